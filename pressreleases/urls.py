from django.urls import path

from .views import releases

app_name = "pressreleases"

urlpatterns = [
    path("preview/<int:pk>/", releases.preview, name="preview"),
    path("embargoed/<str:token>/", releases.embargoed, name="embargoed"),
    path("<slug:slug>/", releases.PressReleaseDetailView.as_view(), name="detail"),
]
