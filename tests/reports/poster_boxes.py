"""Reading a poster's layout from WeasyPrint's own boxes: what the PDF prints, measured.

Shared by the organization's and the cohort's poster tests.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.template.loader import render_to_string
from weasyprint.formatting_structure.boxes import Box, TextBox

from reports import pdf

PX_PER_PT = 96 / 72
TOLERANCE = 0.5  # px: rounding in the layout


@dataclass(frozen=True)
class Layout:
    pages: int
    smallest_text_pt: float
    overflows: list[str]  # what sticks out of its column or the page, as text
    column_heights_pt: list[float]
    texts: str  # every text box's text, joined


def descendants(box: Box) -> Iterator[Box]:
    yield box
    for child in box.all_children():
        yield from descendants(child)


def has_class(box: Box, name: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and name in (element.get("class") or "").split()


def poster_layout(template: str, context: dict) -> Layout:
    document = pdf.render_document(render_to_string(template, {**context, "for_pdf": True}))
    page = document.pages[0]._page_box
    texts = [b for b in descendants(page) if isinstance(b, TextBox) and b.text.strip()]
    sheet = (page.content_box_x(), page.content_box_y(), page.width, page.height)
    overflows = [t.text for t in texts if not _inside(t, *sheet)]
    columns = [
        b for b in descendants(page) if has_class(b, "poster-column") and b.element_tag == "section"
    ]
    for column in columns:
        frame = (column.border_box_x(), column.border_box_y())
        frame += (column.border_width(), column.border_height())
        overflows += [
            t.text
            for t in descendants(column)
            if isinstance(t, TextBox) and t.text.strip() and not _inside(t, *frame)
        ]
    return Layout(
        pages=len(document.pages),
        smallest_text_pt=min(t.style["font_size"] for t in texts) / PX_PER_PT,
        overflows=overflows,
        column_heights_pt=[c.border_height() / PX_PER_PT for c in columns],
        texts=" ".join(t.text for t in texts),
    )


def _inside(text: TextBox, left: float, top: float, width: float, height: float) -> bool:
    x, y = text.position_x, text.position_y
    return (
        x >= left - TOLERANCE
        and y >= top - TOLERANCE
        and x + text.margin_width() <= left + width + TOLERANCE
        and y + text.margin_height() <= top + height + TOLERANCE
    )
