from django.urls import path

from calls.review import views_committee, views_staff

urlpatterns = [
    # Members
    path("panel/committee/", views_committee.committee_dashboard, name="committee_dashboard"),
    path(
        "committee/invitations/<str:token>/",
        views_committee.invitation_accept,
        name="committee_invitation_accept",
    ),
    path(
        "panel/committee/assignments/<int:pk>/declare/",
        views_committee.review_declare,
        name="review_declare",
    ),
    path("panel/committee/assignments/<int:pk>/", views_committee.review_edit, name="review_edit"),
    path(
        "panel/committee/assignments/<int:pk>/documents/<int:document_id>/",
        views_committee.review_document,
        name="review_document",
    ),
    path(
        "panel/committee/assignments/<int:pk>/dossier/",
        views_committee.review_dossier,
        name="review_dossier",
    ),
    # Staff
    path(
        "panel/staff/calls/<slug:slug>/committee/",
        views_staff.committee_manage,
        name="committee_manage",
    ),
    path(
        "panel/staff/calls/<slug:slug>/committee/assignments/",
        views_staff.committee_assignments,
        name="committee_assignments",
    ),
    path(
        "panel/staff/calls/<slug:slug>/committee/members/<int:member_id>/withdraw/",
        views_staff.committee_member_withdraw,
        name="committee_member_withdraw",
    ),
    path(
        "panel/staff/calls/<slug:slug>/committee/invitations/<int:invitation_id>/cancel/",
        views_staff.committee_invitation_cancel,
        name="committee_invitation_cancel",
    ),
    path(
        "panel/staff/calls/<slug:slug>/committee/conflicts/<int:flag_id>/",
        views_staff.committee_flag_decide,
        name="committee_flag_decide",
    ),
]
