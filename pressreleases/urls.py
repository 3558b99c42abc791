from django.urls import path

from .caching import public_page
from .feeds import ReleaseFeed, ReleaseRssFeed
from .views import listing, releases

app_name = "pressreleases"

urlpatterns = [
    path("", listing.release_list, name="list"),
    path("feed/atom/", public_page(ReleaseFeed()), name="feed-atom"),
    path("feed/rss/", public_page(ReleaseRssFeed()), name="feed-rss"),
    path("preview/<int:pk>/", releases.preview, name="preview"),
    path("embargoed/<str:token>/", releases.embargoed, name="embargoed"),
    path("<slug:slug>/", releases.PressReleaseDetailView.as_view(), name="detail"),
]
