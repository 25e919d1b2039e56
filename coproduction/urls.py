from django.urls import path

from . import views

app_name = "coproduction"

urlpatterns = [
    path("projects/<uuid:public_id>/", views.log, name="log"),
    path("projects/<uuid:public_id>/ground-rules/", views.rules_edit, name="rules_edit"),
    path("projects/<uuid:public_id>/ground-rules/agree/", views.rules_agree, name="rules_agree"),
    path("projects/<uuid:public_id>/ground-rules/record/", views.rules_record, name="rules_record"),
    path("projects/<uuid:public_id>/decisions/new/", views.decision_create, name="decision_create"),
    path("projects/<uuid:public_id>/reflections/", views.reflection_list, name="reflection_list"),
    path("projects/<uuid:public_id>/reflections/new/", views.reflection_create, name="reflection_create"),
    path("projects/<uuid:public_id>/requirements/", views.requirements, name="requirements"),
    path(
        "reflections/<uuid:public_id>/visibility/", views.reflection_visibility, name="reflection_visibility"
    ),
    path("decisions/<uuid:public_id>/", views.decision_detail, name="decision_detail"),
    path("decisions/<uuid:public_id>/edit/", views.decision_edit, name="decision_edit"),
    path("learning/", views.my_learning, name="my_learning"),
    path("learning/catalogue/", views.catalogue, name="catalogue"),
    path("learning/catalogue/new/", views.course_create, name="course_create"),
    path("people/<uuid:public_id>/", views.person_learning, name="person_learning"),
    path("checks/", views.checks, name="checks"),
    path("activities/<uuid:public_id>/course/", views.activity_course, name="activity_course"),
]
