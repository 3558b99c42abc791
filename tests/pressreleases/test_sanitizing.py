"""Body HTML is sanitised on save: what staff can do harm with goes, what they write stays."""

import pytest
from django.contrib.auth import get_user_model
from django_prose_editor.config import allowlist_from_extensions

from pressreleases.forms import BODY_EDITOR_EXTENSIONS
from pressreleases.sanitizing import ALLOWED_TAGS
from tests.factories import PressReleaseFactory, publisher

from . import change_url, form_data

pytestmark = pytest.mark.django_db

REMOVED = [
    ("<p>Hi</p><script>alert(1)</script>", "<p>Hi</p>"),
    ('<p onclick="steal()" onmouseover="x()">Hi</p>', "<p>Hi</p>"),
    ('<a href="javascript:alert(1)">link</a>', '<a rel="noopener noreferrer">link</a>'),
    ('<a href="JaVaScRiPt:alert(1)">link</a>', '<a rel="noopener noreferrer">link</a>'),
    ('<img src="x" onerror="alert(1)">', ""),
    ("<iframe src='https://evil.example'></iframe><p>text</p>", "<p>text</p>"),
    ("<style>body{display:none}</style><p>text</p>", "<p>text</p>"),
    ('<p style="position:fixed">text</p>', "<p>text</p>"),
    ("<marquee>old</marquee>", "old"),
    ("<h1>Too big</h1>", "Too big"),
    ("<form action='/x'><input name=a></form>", ""),
    ("<!-- internal note --><p>text</p>", "<p>text</p>"),
]

KEPT = [
    "<h2>Background</h2><h3>Detail</h3><h4>More</h4>",
    '<ul><li>One</li></ul><ol start="3"><li>Three</li></ol>',
    '<p><a href="https://www.osce.org/" rel="noopener noreferrer">OSCE</a></p>',
    '<p><a href="mailto:press@osce.org" rel="noopener noreferrer">Press</a></p>',
    "<p><strong>bold</strong> <em>italic</em> <u>under</u> <s>gone</s></p>",
    "<p>H<sub>2</sub>O x<sup>2</sup></p>",
    "<blockquote><p>Quoted words.</p></blockquote>",
    "<table><thead><tr><th>Year</th></tr></thead><tbody><tr><td>2017</td></tr></tbody></table>",
    "<p>one</p><hr><p>two</p>",
]


@pytest.mark.parametrize(("dirty", "clean"), REMOVED)
def test_saving_removes_what_can_do_harm(dirty, clean):
    release = PressReleaseFactory(body=dirty)

    release.refresh_from_db()
    assert release.body == clean


@pytest.mark.parametrize("html", KEPT)
def test_saving_keeps_what_editors_write(html):
    release = PressReleaseFactory(body=html)

    release.refresh_from_db()
    assert release.body == html


def test_the_admin_form_stores_sanitised_html(client):
    client.force_login(publisher())
    release = PressReleaseFactory()
    page = client.get(change_url(release))
    body = '<h2 onclick="x()">Title</h2><script>alert(1)</script><p>Safe <em>text</em></p>'

    response = client.post(change_url(release), form_data(page, body=body))

    assert response.status_code == 302
    release.refresh_from_db()
    assert release.body == "<h2>Title</h2><p>Safe <em>text</em></p>"


def test_the_editor_offers_only_what_the_sanitiser_keeps():
    editor_tags = allowlist_from_extensions(BODY_EDITOR_EXTENSIONS)["tags"]

    assert editor_tags <= ALLOWED_TAGS
    assert {"h2", "h3", "h4", "strong", "em", "u", "s", "sub", "sup", "ul", "ol", "li", "a"} <= (
        editor_tags
    )
    assert {"blockquote", "table", "th", "td", "hr", "p", "br"} <= editor_tags
    assert "h1" not in editor_tags


def test_the_body_is_edited_with_the_prose_editor_under_the_csp(client):
    client.force_login(publisher())

    response = client.get(change_url(PressReleaseFactory()))

    html = response.content.decode()
    nonce = response.context["csp_nonce"]
    assert 'data-django-prose-editor-configurable="' in html
    assert "&quot;Heading&quot;:{&quot;levels&quot;:[2,3,4]}" in html
    assert f'<script type="importmap" nonce="{nonce}">' in html
    assert (
        f'<script src="/static/django_prose_editor/configurable.js" nonce="{nonce}" '
        'type="module"></script>'
    ) in html
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_editor_runs_under_the_csp_and_what_it_saves_is_clean(page, live_server):
    get_user_model().objects.create_superuser("chief", "", "a long test password")
    release = PressReleaseFactory(body="<h2>Background</h2><p>First paragraph.</p>")
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.log('CSP ' + e.violatedDirective + ' ' + e.sourceFile))"
    )
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.on("pageerror", lambda error: console.append(f"page error: {error}"))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a long test password")
    page.click("input[type=submit]")

    page.goto(f"{live_server.url}{change_url(release)}")
    editor = page.locator(".prose-editor [contenteditable=true]")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Typed in the editor.")
    page.click("input[name=_continue]")
    page.wait_for_url(f"**{change_url(release)}")

    release.refresh_from_db()
    assert release.body == "<h2>Background</h2><p>First paragraph. Typed in the editor.</p>"
    assert not [line for line in console if line.startswith(("CSP script-src", "page error"))]
