from django.urls import path

from .feeds import ReleaseFeed, ReleaseRssFeed
from .views import listing, releases

app_name = "pressreleases"

urlpatterns = [
    path("", listing.release_list, name="list"),
    path("feed/atom/", ReleaseFeed(), name="feed-atom"),
    path("feed/rss/", ReleaseRssFeed(), name="feed-rss"),
    path("preview/<int:pk>/", releases.preview, name="preview"),
    path("embargoed/<str:token>/", releases.embargoed, name="embargoed"),
    path("<slug:slug>/", releases.PressReleaseDetailView.as_view(), name="detail"),
]
