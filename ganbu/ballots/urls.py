"""Organiser and member pages, mounted at /ballots/ (namespace "ballots")."""

from django.urls import path

from ganbu.ballots.views import manage, member, settings

app_name = "ballots"
urlpatterns = [
    path("", manage.session_list, name="session_list"),
    path("new/", manage.session_create, name="session_create"),
    path("cadres/search/", manage.cadre_search, name="cadre_search"),
    path("settings/", settings.settings_edit, name="settings"),
    path("mine/", member.my_ballots, name="my_ballots"),
    path("mine/<int:pk>/claim/", member.member_claim, name="member_claim"),
    path("<int:pk>/", manage.session_detail, name="session_detail"),
    path("<int:pk>/edit/", manage.session_edit, name="session_edit"),
    path("<int:pk>/copy/", manage.session_copy, name="session_copy"),
    path("<int:pk>/delete/", manage.session_delete, name="session_delete"),
    path("<int:pk>/open/", manage.session_open, name="session_open"),
    path("<int:pk>/present/", manage.session_present, name="session_present"),
    path("<int:pk>/test/start/", manage.session_test_start, name="session_test_start"),
    path("<int:pk>/test/end/", manage.session_test_end, name="session_test_end"),
    path("<int:pk>/close/", manage.session_close, name="session_close"),
    path("<int:pk>/seal/", manage.session_seal, name="session_seal"),
    path("<int:pk>/codes/", manage.session_codes, name="session_codes"),
    path("<int:pk>/members/", manage.session_members, name="session_members"),
    path("<int:pk>/paper/", manage.session_paper, name="session_paper"),
    path("<int:pk>/screen/", manage.session_screen, name="session_screen"),
    path("<int:pk>/screen/counts/", manage.session_screen_counts, name="session_screen_counts"),
    path("<int:pk>/result/", manage.session_result, name="session_result"),
    path("<int:pk>/result.xlsx", manage.session_result_xlsx, name="session_result_xlsx"),
    path("<int:pk>/result.docx", manage.session_result_docx, name="session_result_docx"),
]
