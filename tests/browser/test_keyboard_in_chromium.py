"""By keyboard on a phone (390 x 844) in the system Chromium: a skip link leads past the
navigation, a focused field is never hidden behind the answering page's sticky save bar, and
after an action focus lands on the message that says what happened, or on the page's heading."""

from django.urls import reverse

from tests import chromium
from tests.conftest import PASSWORD

pytestmark = chromium.MARKS

ACTIVE = """() => {
    const e = document.activeElement;
    return {id: e.id, tag: e.tagName.toLowerCase(), text: e.textContent.trim(),
            classes: [...e.classList], inMain: !!e.closest("main")};
}"""
HIDDEN_BY_THE_BAR = """() => {
    const e = document.activeElement;
    const bar = document.querySelector(".sticky-actions");
    if (!bar || bar.contains(e) || e === document.body) return null;
    const box = e.getBoundingClientRect(), top = bar.getBoundingClientRect().top;
    return box.bottom > top + 0.5 ? `${e.id || e.tagName}: ${box.bottom} > ${top}` : null;
}"""


UNDER_THE_BAR = """field => {
    document.activeElement.blur();
    const top = document.querySelector(".sticky-actions").getBoundingClientRect().top;
    window.scrollBy(0, field.getBoundingClientRect().top - top - 4);
}"""


def _phone(page, live_server, user):
    return chromium.phone_context(page.context.browser, live_server, user).new_page()


def _answer_url(draft, key="governance") -> str:
    return reverse("assessments:dimension", args=[draft.pk, key])


def test_the_skip_link_leads_straight_to_the_first_question(live_server, page, leader, draft):
    phone = _phone(page, live_server, leader)
    phone.goto(live_server.url + _answer_url(draft))
    phone.keyboard.press("Tab")
    assert phone.evaluate(ACTIVE)["text"] == "Skip to the questions"
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    first = draft.framework.dimensions.get(key="governance").indicators.first()
    # The first radio of the first question: two tab stops from the top of the page.
    assert phone.evaluate(ACTIVE)["id"].startswith(f"id_i-{first.key}-level_")


def test_the_skip_link_of_other_pages_leads_into_the_main_content(
    live_server, page, leader, program
):
    phone = _phone(page, live_server, leader)
    phone.goto(live_server.url + reverse("assessments:program", args=[program.pk]))
    phone.keyboard.press("Tab")
    assert phone.evaluate(ACTIVE)["text"] == "Skip to main content"
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")
    landed = phone.evaluate(ACTIVE)
    assert landed["inMain"], landed


def test_no_field_focused_is_hidden_behind_the_save_bar(live_server, page, leader, draft):
    phone = _phone(page, live_server, leader)
    phone.emulate_media(reduced_motion="reduce")  # scrolls end at once: measured as they end
    phone.goto(live_server.url + _answer_url(draft))
    fields = phone.locator("#dimension-form textarea, #dimension-form select")
    assert fields.count() == 12  # the six questions' evidence and confidence
    hidden = []
    for n in range(fields.count()):
        field = fields.nth(n)
        # The field scrolled to just under the bar, then focused, as by Tab from above.
        field.evaluate(UNDER_THE_BAR)
        field.focus()
        hidden.append(phone.evaluate(HIDDEN_BY_THE_BAR))
    assert [h for h in hidden if h] == []


def test_after_saving_focus_is_on_the_message(live_server, page, leader, draft):
    phone = _phone(page, live_server, leader)
    phone.goto(live_server.url + _answer_url(draft))
    phone.get_by_role("button", name="Save draft").click()
    phone.wait_for_load_state()
    phone.get_by_text("Draft saved.").wait_for()
    active = phone.evaluate(ACTIVE)
    assert "messages" in active["classes"] and active["text"] == "Draft saved."


def test_after_signing_in_focus_is_on_the_page_heading(live_server, page, leader):
    phone = _phone(page, live_server, None)
    phone.goto(live_server.url + reverse("login"))
    phone.get_by_label("Username").fill(leader.username)
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url(live_server.url + reverse("assessments:home"))
    active = phone.evaluate(ACTIVE)
    assert active["tag"] == "h1" and active["inMain"], active
    # A page reached without an action leaves focus where the browser puts it.
    phone.goto(live_server.url + reverse("about"))
    assert phone.evaluate(ACTIVE)["tag"] == "body"
