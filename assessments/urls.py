from django.urls import path

from assessments import member_views, organization_views, plan_views, team_views, views

app_name = "assessments"

urlpatterns = [
    path("", views.home, name="home"),
    path("organizations/new/", organization_views.organization_create, name="organization_create"),
    path(
        "organizations/<uuid:organization_id>/profile/",
        organization_views.organization_profile,
        name="organization_profile",
    ),
    path(
        "organizations/<uuid:organization_id>/programs/",
        organization_views.organization_programs,
        name="programs",
    ),
    path(
        "organizations/<uuid:organization_id>/programs/new/",
        organization_views.program_create,
        name="program_create",
    ),
    path(
        "organizations/<uuid:organization_id>/cycles/",
        organization_views.organization_cycles,
        name="cycles",
    ),
    path(
        "organizations/<uuid:organization_id>/cycles/<uuid:cycle_id>/",
        organization_views.cycle_edit,
        name="cycle_edit",
    ),
    path(
        "organizations/<uuid:organization_id>/cycles/<uuid:cycle_id>/delete/",
        organization_views.cycle_delete,
        name="cycle_delete",
    ),
    path("programs/<uuid:program_id>/", views.program_detail, name="program"),
    path("programs/<uuid:program_id>/edit/", organization_views.program_edit, name="program_edit"),
    path(
        "programs/<uuid:program_id>/archive/",
        organization_views.program_archive,
        name="program_archive",
    ),
    path(
        "programs/<uuid:program_id>/restore/",
        organization_views.program_restore,
        name="program_restore",
    ),
    path("programs/<uuid:program_id>/start/", views.assessment_start, name="start"),
    path("assessments/<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("assessments/<uuid:assessment_id>/review/", views.assessment_review, name="review"),
    path("assessments/<uuid:assessment_id>/submit/", views.assessment_submit, name="submit"),
    path("assessments/<uuid:assessment_id>/reopen/", views.assessment_reopen, name="reopen"),
    path(
        "assessments/<uuid:assessment_id>/answer/<slug:dimension_key>/",
        views.assessment_dimension,
        name="dimension",
    ),
    path(
        "assessments/<uuid:assessment_id>/answer/<slug:dimension_key>/confirm/",
        views.answers_confirm,
        name="confirm_carried",
    ),
    path(
        "assessments/<uuid:assessment_id>/respondents/",
        team_views.respondents_assign,
        name="respondents",
    ),
    path(
        "assessments/<uuid:assessment_id>/respondents/submit/",
        team_views.respondent_submit,
        name="respondent_submit",
    ),
    path(
        "assessments/<uuid:assessment_id>/respondents/remind/",
        team_views.respondents_remind,
        name="remind_respondents",
    ),
    path(
        "assessments/<uuid:assessment_id>/close-round/", team_views.round_close, name="close_round"
    ),
    path(
        "assessments/<uuid:assessment_id>/consensus/<slug:dimension_key>/",
        team_views.consensus_dimension,
        name="consensus",
    ),
    path("assessments/<uuid:assessment_id>/history/", team_views.history, name="history"),
    path("assessments/<uuid:assessment_id>/plan/", plan_views.plan, name="plan"),
    path(
        "assessments/<uuid:assessment_id>/plan/<slug:dimension_key>/add/",
        plan_views.plan_step_add,
        name="plan_step_add",
    ),
    path("plan-steps/<uuid:step_id>/edit/", plan_views.plan_step_edit, name="plan_step_edit"),
    path("plan-steps/<uuid:step_id>/move/", plan_views.plan_step_move, name="plan_step_move"),
    path("plan-steps/<uuid:step_id>/remove/", plan_views.plan_step_remove, name="plan_step_remove"),
    path(
        "organizations/<uuid:organization_id>/statements/",
        plan_views.organization_statements,
        name="statements",
    ),
    path(
        "organizations/<uuid:organization_id>/members/",
        member_views.organization_members,
        name="members",
    ),
    path(
        "organizations/<uuid:organization_id>/invite/",
        member_views.organization_invite,
        name="invite",
    ),
    path(
        "organizations/<uuid:organization_id>/security/",
        member_views.organization_security,
        name="organization_security",
    ),
    path(
        "organizations/<uuid:organization_id>/export/",
        member_views.organization_export,
        name="organization_export",
    ),
    path("memberships/<int:membership_id>/role/", member_views.membership_role, name="role"),
    path(
        "memberships/<int:membership_id>/remove/",
        member_views.membership_remove,
        name="remove_member",
    ),
    path(
        "invitations/<uuid:invitation_id>/revoke/",
        member_views.invitation_revoke,
        name="revoke_invitation",
    ),
    path(
        "invitations/accept/<str:token>/",
        member_views.invitation_accept,
        name="invitation_accept",
    ),
]
