"""A person answers a survey on a phone (390 x 844), in Spanish, by keyboard only, signed out:
every page axe-clean, every target at least 44 px, no horizontal scrolling, no script."""

from django.urls import reverse

from surveys.models import Response
from tests import chromium
from tests.surveys.conftest import make_survey, survey  # noqa: F401

pytestmark = chromium.MARKS

ACTIVE = """() => {
    const e = document.activeElement;
    return {id: e.id, tag: e.tagName.toLowerCase(), type: e.type || "", text: e.textContent.trim()};
}"""
SMALL_TARGETS = """() => [...document.querySelectorAll("a, button, label.choice, textarea, input")]
    // A radio or checkbox's target is its whole label.
    .filter(e => e.offsetParent !== null && !e.closest(".trap") && !e.closest("label.choice"))
    .map(e => [e.id || e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
    .filter(([, box]) => box.height < 44 || box.width < 44)
    .map(([name, box]) => `${name}: ${Math.round(box.width)}x${Math.round(box.height)}`)"""
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => `${e.tagName} ${e.textContent.slice(0, 40)}: ${e.getBoundingClientRect().right}`)"""


def _spanish_phone(page):
    context = page.context.browser.new_context(
        locale="es-ES", viewport=chromium.PHONE, extra_http_headers={"Accept-Language": "es"}
    )
    phone = context.new_page()
    phone.problems = page.problems
    phone.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    phone.html_pages = page.html_pages
    return phone


def _tab_to(phone, wanted, most: int = 80) -> dict:
    for _step in range(most):
        phone.keyboard.press("Tab")
        active = phone.evaluate(ACTIVE)
        if wanted(active):
            return active
    raise AssertionError("never reached by Tab")


def _check_page(phone) -> None:
    chromium.assert_accessible(phone)
    assert phone.evaluate(SMALL_TARGETS) == []
    assert phone.evaluate(WIDER_THAN_THE_SCREEN) == []
    assert phone.locator("script").count() == 0


def test_a_person_answers_on_a_phone_in_spanish_by_keyboard(live_server, page, survey):  # noqa: F811
    phone = _spanish_phone(page)
    phone.goto(live_server.url + reverse("surveys:answer", args=[survey.token]))
    assert phone.locator("html").get_attribute("lang") == "es"
    _check_page(phone)

    phone.keyboard.press("Tab")
    assert phone.evaluate(ACTIVE)["tag"] == "a"  # the skip link
    phone.keyboard.press("Enter")
    first = _tab_to(phone, lambda a: a["type"] == "radio")
    assert first["id"] == "id_respect_0"
    phone.keyboard.press("Space")  # Strongly disagree ...
    for _step in range(3):
        phone.keyboard.press("ArrowDown")  # ... to Agree
    _tab_to(phone, lambda a: a["id"] == "id_heard_0")
    phone.keyboard.press("ArrowDown")  # Disagree
    phone.keyboard.press("ArrowUp")  # back: Strongly disagree
    _tab_to(phone, lambda a: a["id"] == "id_recommend_0")
    phone.keyboard.press("ArrowLeft")  # from 0 round to 10
    _tab_to(phone, lambda a: a["id"] == "id_works_well")
    phone.keyboard.type("El personal es amable")
    _tab_to(phone, lambda a: a["id"] == "id_race_0")
    for _step in range(2):
        phone.keyboard.press("Tab")
    assert phone.evaluate(ACTIVE)["id"] == "id_race_2"
    phone.keyboard.press("Space")  # Black or African American
    _tab_to(phone, lambda a: a["tag"] == "button")
    phone.keyboard.press("Enter")
    thanks = reverse("surveys:thanks", args=[survey.token])
    phone.wait_for_url(lambda url: thanks in url)  # the skip link's #main may stay on
    assert phone.locator("html").get_attribute("lang") == "es"
    _check_page(phone)

    stored = Response.objects.get()
    answers = {a.question: a.number or a.text for a in stored.answers.all()}
    assert answers == {
        "respect": 4,
        "heard": 1,
        "recommend": 10,
        "works_well": "El personal es amable",
    }
    assert (stored.language, stored.race, stored.source) == ("es", ["black"], "web")
    assert page.problems == []


def test_a_refused_answer_is_explained_on_the_page_in_spanish(live_server, page, program):
    coded = make_survey(program, codes_required=True)
    phone = _spanish_phone(page)
    phone.goto(live_server.url + reverse("surveys:answer", args=[coded.token]))
    phone.locator("#id_code").fill("ABCD-EFGH")
    phone.locator("#id_respect_4").check()
    phone.locator("button.send").press("Enter")
    assert phone.locator(".error-summary").is_visible()
    assert phone.locator("html").get_attribute("lang") == "es"
    _check_page(phone)
    assert not Response.objects.exists()


def test_the_closed_and_unknown_pages_are_accessible(live_server, page, program):
    closed = make_survey(program, days_open=(-9, -1))
    phone = _spanish_phone(page)
    for token, status in ((closed.token, 410), ("nope", 404)):
        response = phone.goto(live_server.url + reverse("surveys:answer", args=[token]))
        assert response.status == status
        _check_page(phone)
