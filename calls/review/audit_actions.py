"""How the audit log reads the committee's actions (registered in ReviewConfig)."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "committee.settings": _("%(actor)s changed the committee settings of %(target)s"),
    "committee.close": _("%(actor)s closed the committee of %(target)s"),
    "committee.reopen": _("%(actor)s opened the committee of %(target)s again"),
    "committee.member_add": _("%(actor)s named a committee member: %(target)s"),
    "committee.invite": _("%(actor)s invited someone to the committee: %(target)s"),
    "committee.invitation_accept": _(
        "%(actor)s accepted an invitation to the committee: %(target)s"
    ),
    "committee.invitation_cancel": _(
        "%(actor)s cancelled an invitation to the committee: %(target)s"
    ),
    "committee.member_withdraw": _("%(actor)s withdrew a committee member: %(target)s"),
    "committee.assign": _("%(actor)s assigned reviews: %(target)s"),
    "committee.assign_auto": _("%(actor)s confirmed the automatic assignment plan: %(target)s"),
    "committee.reassign": _("%(actor)s reassigned reviews: %(target)s"),
    "committee.unassign": _("%(actor)s removed an assignment: %(target)s"),
    "committee.unassign_withdrawn": _(
        "%(actor)s removed the open assignments of a withdrawn member: %(target)s"
    ),
    "committee.conflict_declare": _("%(actor)s declared on conflicts of interest: %(target)s"),
    "committee.conflict_decide": _("%(actor)s decided on a detected conflict: %(target)s"),
    "review.start": _("%(actor)s started a review: %(target)s"),
    "review.submit": _("%(actor)s submitted a review: %(target)s"),
    "review.revise": _("%(actor)s revised a submitted review: %(target)s"),
    "discussion.post": _("%(actor)s wrote in the discussion of %(target)s"),
    "discussion.mark": _("%(actor)s marked %(target)s as discussed"),
    "discussion.unmark": _("%(actor)s marked %(target)s as not discussed"),
    "decision.record": _("%(actor)s recorded the decision on %(target)s"),
    "results.propose": _("%(actor)s proposed the results of %(target)s for publication"),
    "results.approve": _("%(actor)s approved the publication of the results of %(target)s"),
    "results.publish": _("%(actor)s published the results of %(target)s"),
    "results.withdraw": _("%(actor)s withdrew the results of %(target)s"),
    "committee_export.request": _("%(actor)s asked for a committee export: %(target)s"),
    "committee_export.render": _("%(actor)s prepared a committee export: %(target)s"),
    "membership.join": _("%(actor)s admitted a selected city: %(target)s"),
}


def register() -> None:
    from coalition.audit import register_actions

    register_actions(SENTENCES)
