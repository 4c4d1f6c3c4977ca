from django.urls import path

from visits import views

urlpatterns = [
    path("healthz/", views.healthz),
    path("api/visits/", views.visits),
]
