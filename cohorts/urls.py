from django.urls import path

from cohorts import join_views, member_views, round_views, views

app_name = "cohorts"

urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("new/", views.cohort_create, name="create"),
    path("<uuid:cohort_id>/", views.cohort_dashboard, name="dashboard"),
    path(
        "<uuid:cohort_id>/organizations/<uuid:organization_id>/",
        views.member_detail,
        name="member_detail",
    ),
    path(
        "<uuid:cohort_id>/assessments/<uuid:assessment_id>/",
        views.member_answers,
        name="member_answers",
    ),
    path("<uuid:cohort_id>/members/", views.cohort_members, name="members"),
    path("<uuid:cohort_id>/members/invite/", views.cohort_invite, name="invite"),
    path(
        "<uuid:cohort_id>/members/invite-by-email/", views.newcomer_invite, name="newcomer_invite"
    ),
    path(
        "<uuid:cohort_id>/members/invite-by-email/<uuid:invitation_id>/withdraw/",
        views.newcomer_withdraw,
        name="newcomer_withdraw",
    ),
    path("join/<str:token>/", join_views.join, name="join"),
    path(
        "<uuid:cohort_id>/members/<uuid:member_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path("<uuid:cohort_id>/statements/", views.cohort_statements, name="statements"),
    path("<uuid:cohort_id>/goals/", views.cohort_goals, name="goals"),
    path("<uuid:cohort_id>/goals/new/", views.goal_add, name="goal_add"),
    path("<uuid:cohort_id>/goals/<uuid:goal_id>/", views.goal_edit, name="goal_edit"),
    path("<uuid:cohort_id>/goals/<uuid:goal_id>/remove/", views.goal_remove, name="goal_remove"),
    path("<uuid:cohort_id>/workgroups/new/", views.workgroup_add, name="workgroup_add"),
    path(
        "<uuid:cohort_id>/workgroups/<uuid:workgroup_id>/",
        views.workgroup_edit,
        name="workgroup_edit",
    ),
    path(
        "<uuid:cohort_id>/workgroups/<uuid:workgroup_id>/remove/",
        views.workgroup_remove,
        name="workgroup_remove",
    ),
    path("<uuid:cohort_id>/scorecard/", views.cohort_scorecard, name="scorecard"),
    path("<uuid:cohort_id>/rounds/", round_views.round_list, name="rounds"),
    path("<uuid:cohort_id>/rounds/<uuid:round_id>/", round_views.round_edit, name="round_edit"),
    path("<uuid:cohort_id>/poster.pdf", views.cohort_poster, name="poster"),
    path("<uuid:cohort_id>/poster/", views.cohort_poster_page, name="poster_page"),
    path("<uuid:cohort_id>/export/<slug:table>.<slug:fmt>", views.cohort_export, name="export"),
    path(
        "<uuid:cohort_id>/export/<slug:table>/dictionary.csv",
        views.cohort_export_dictionary,
        name="export_dictionary",
    ),
    path("<uuid:cohort_id>/posters/", views.poster_batch_start, name="poster_batch_start"),
    path("<uuid:cohort_id>/posters/<uuid:batch_id>/", views.poster_batch, name="poster_batch"),
    path(
        "<uuid:cohort_id>/posters/<uuid:batch_id>/download/",
        views.poster_batch_download,
        name="poster_batch_download",
    ),
    # The member organization's side.
    path("memberships/<uuid:member_id>/", member_views.membership, name="membership"),
    path(
        "memberships/<uuid:member_id>/sharing/",
        member_views.membership_sharing,
        name="membership_sharing",
    ),
    path("memberships/<uuid:member_id>/end/", member_views.membership_end, name="membership_end"),
    path("steps/<uuid:step_id>/goals/", member_views.step_goals, name="step_goals"),
]
