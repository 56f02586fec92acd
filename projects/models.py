"""Collaborative projects with govtech startups (built by the projects issue)."""
