from django.urls import path

from ganbu.cadres import lrmx_views, views

app_name = "cadres"
urlpatterns = [
    path("", views.cadre_list, name="list"),
    path("new/", views.cadre_create, name="create"),
    path("export.xlsx", views.cadre_export, name="export"),
    path("appointment-forms.zip", views.cadre_forms_zip, name="forms_zip"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("appointment-forms/<int:pk>/", views.forms_job, name="forms_job"),
    path("appointment-forms/<int:pk>/download/", views.forms_job_download, name="forms_job_download"),
    path("import/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("import/lrmx/", lrmx_views.lrmx_import_page, name="lrmx_import"),
    path("import/lrmx/<int:pk>/", lrmx_views.lrmx_import_job, name="lrmx_import_job"),
    path("to-complete/", views.to_complete, name="to_complete"),
    path("<int:pk>/", views.cadre_detail, name="detail"),
    path("<int:pk>/edit/", views.cadre_edit, name="edit"),
    path("<int:pk>/history/", views.cadre_history, name="history"),
    path("<int:pk>/appointment-form.docx", views.appointment_form, name="appointment_form"),
    path("<int:pk>/lrmx", views.lrmx_export, name="lrmx"),
    path("<int:pk>/photo", views.photo, name="photo"),
    path("<int:pk>/photo/upload/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/<str:kind>/add/", views.record_add, name="record_add"),
    path("<int:pk>/<str:kind>/<int:rid>/edit/", views.record_edit, name="record_edit"),
    path("<int:pk>/<str:kind>/<int:rid>/delete/", views.record_delete, name="record_delete"),
]
