from django.urls import path

from . import views

app_name = "pressreleases"

urlpatterns = [
    path("preview/<int:pk>/", views.preview, name="preview"),
    path("embargoed/<str:token>/", views.embargoed, name="embargoed"),
    path("<slug:slug>/", views.PressReleaseDetailView.as_view(), name="detail"),
]
