"""Tagged PDF: a structure tree, so a screen reader reads headings, paragraphs, lists and tables in order.

reportlab writes no structure tree of its own, so the documents tag themselves while they are drawn:
- every paragraph placed on a page is wrapped in marked content (`/H2 <</MCID n>> BDC … EMC`) and becomes one
  structure element: H1 for a document's title, H2 and H3 for headings, P for the rest; consecutive bullet
  lines ("• …") are gathered into a list (L → LI → LBody);
- a table's cells become TH (its repeated header rows) and TD inside TR inside Table, through reportlab's
  own table render callback; backgrounds and rules are artifacts;
- footers, page numbers, the draft band and watermark, bars and other drawing are artifacts, so nothing on a
  page is left outside the tree;
- in a copy printed in Welsh, what the clinician typed (English) is marked content with /Lang (en-GB)
  nested in its paragraph's, so a screen reader switches language for it (`LANGUAGE_MARK`);
- when the canvas saves, the tree (StructTreeRoot, a ParentTree per page), /MarkInfo, each page's
  /StructParents and /Tabs /S, and XMP metadata with the title and the PDF/UA identifier are written.

`tests/export/test_pdf_tags.py` reads the tree back with poppler (`pdfinfo -struct-text`) and checks every
document with the PDF/UA-1 checker `outloud` (PyPI), installed by the test command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFName,
    PDFObjectReference,
    PDFStream,
)
from reportlab.platypus import Flowable, Frame, Paragraph, Table

ROLE_BY_STYLE = {"title": "H1", "h2": "H2", "h3": "H3"}
BULLET = "•"
# English typed into a copy printed in another language: `pdf_base.typed` puts this paragraph callback
# round it, and the text it shows is wrapped in marked content carrying its language, nested inside the
# paragraph's own marked content (ISO 32000-1 14.9.2.2: Lang in a Span's property list).
LANGUAGE_MARK = "cp_language"
SPAN_ENGLISH = "/Span <</Lang (en-GB)>> BDC"


@dataclass
class Node:
    """One structure element. `mcid` is set for a leaf that owns marked content on `page` (1-based)."""

    role: str
    page: int
    mcid: int | None = None
    text: str = ""
    children: list[Node] = field(default_factory=list)


class TagLog:
    """What has been tagged so far in one document, kept on its canvas (`tags_of`)."""

    def __init__(self) -> None:
        self.top: list[Node] = []
        self._next: dict[int, int] = {}  # page -> next MCID
        self.by_page: dict[int, list[Node]] = {}  # page -> leaf nodes in MCID order
        self._open: list[Node] = []  # open Table / TR while a table is drawn

    def leaf(self, role: str, page: int, text: str = "") -> Node:
        mcid = self._next.get(page, 0)
        self._next[page] = mcid + 1
        node = Node(role, page, mcid, text)
        self.by_page.setdefault(page, []).append(node)
        (self._open[-1].children if self._open else self.top).append(node)
        return node

    def page_end_leaf(self, role: str, page: int) -> Node:
        """A leaf for text written when the canvas saves (a footer), read after the rest of `page`."""
        mcid = self._next.get(page, 0)
        self._next[page] = mcid + 1
        node = Node(role, page, mcid)
        self.by_page.setdefault(page, []).append(node)
        after = max((i + 1 for i, n in enumerate(self.top) if n.page <= page), default=0)
        self.top.insert(after, node)
        return node

    def open(self, role: str, page: int) -> None:
        node = Node(role, page)
        (self._open[-1].children if self._open else self.top).append(node)
        self._open.append(node)

    def close(self) -> None:
        if self._open:
            self._open.pop()


def tags_of(canv: Any) -> TagLog:
    log: TagLog = canv.__dict__.setdefault("_tags", TagLog())
    return log


def begin_marked(canv: Any, role: str, mcid: int) -> None:
    canv._code.append(f"/{role} <</MCID {mcid}>> BDC")


def end_marked(canv: Any) -> None:
    canv._code.append("EMC")


def begin_footer(canv: Any, page: int) -> None:
    """The footer's words: read once, on the first page (a one-page plan's status lives there); on later
    pages a running footer, skipped."""
    if page == 1:
        begin_marked(canv, "P", tags_of(canv).page_end_leaf("P", page).mcid or 0)
    else:
        begin_artifact(canv, "Footer")


def begin_artifact(canv: Any, pagination: str = "") -> None:
    """Content no reader needs read: decoration, or (`pagination` "Header" / "Footer") the running header
    and footer repeated on every page."""
    if pagination:
        canv._code.append(f"/Artifact <</Type /Pagination /Subtype /{pagination}>> BDC")
    else:
        canv._code.append("/Artifact BMC")


def language_mark(canv: Any, kind: str, label: str | None) -> None:
    """Called by reportlab where typed English starts ("on") or ends ("off") in a line of a paragraph:
    opens or closes the en-GB span inside the text object being written."""
    tx = canv._curr_tx_info["tx"]
    tx._code.append(SPAN_ENGLISH if label == "on" else "EMC")


def balance_spans(code: list[Any], start: int) -> None:
    """A paragraph split over two pages has its span's start on one and its end on the other: close an
    open span before its text object ends, and open one after BT where the part begins inside a span.
    Only the text objects written since `start` are touched (inside them, marked content is ours)."""
    for index in range(start, len(code)):
        chunk = str(code[index])
        if not chunk.startswith("BT") or (SPAN_ENGLISH not in chunk and "EMC" not in chunk):
            continue
        depth, orphans = 0, 0
        for token in chunk.replace(SPAN_ENGLISH, "\x00").split():
            if token == "\x00":
                depth += 1
            elif token == "EMC":
                if depth:
                    depth -= 1
                else:
                    orphans += 1
        if orphans:
            chunk = "BT " + " ".join([SPAN_ENGLISH] * orphans) + chunk[2:]
        if depth and chunk.rstrip().endswith("ET"):  # reportlab's text object ends with its ET
            chunk = chunk.rstrip()[:-2] + " ".join(["EMC"] * depth) + " ET"
        code[index] = chunk


def _role(flowable: Flowable) -> str | None:
    """The structure role of a flowable placed on the page, "" for drawing that is only decoration, or
    None for what draws nothing at all (spacers, page breaks, anchors)."""
    if isinstance(flowable, Paragraph):
        name = str(getattr(flowable.style, "name", "")).removeprefix("card-")  # the emergency card's own
        return ROLE_BY_STYLE.get(name, "P")
    if getattr(flowable, "tag_role", None) is not None:
        return str(flowable.tag_role)
    draws = callable(getattr(type(flowable), "draw", None))
    return "" if draws else None


def _empty(cell: Any) -> bool:
    return cell is None or cell == "" or (isinstance(cell, (list, tuple)) and not cell)


def _table_callback(table: Table, event: str, *args: Any) -> None:
    """Tag a table as reportlab draws it. A table with header rows (`repeatRows`) is data: Table → TR →
    TH (scope column) / TD; with `caption_row` its first row (the table's name, spanning every column) is
    the Table's Caption instead. One without header rows is layout (a coloured zone beside its words): each
    cell that holds something is a paragraph, an empty one (a colour swatch) an artifact."""
    canv = table.canv
    log = tags_of(canv)
    page = canv.getPageNumber()
    # A table that repeats rows only to carry a heading on to the next page (`tag_as_layout`) is still layout.
    headers = 0 if getattr(table, "tag_as_layout", False) else int(getattr(table, "repeatRows", 0) or 0)
    captioned = bool(getattr(table, "caption_row", False))
    if event in ("startBG", "startLines"):
        begin_artifact(canv)
    elif event in ("endBG", "endLines", "endCell"):
        end_marked(canv)
    elif event == "startCell":
        row, cell = args[0], args[2]
        if not headers:
            if _empty(cell):
                begin_artifact(canv)
            else:
                begin_marked(canv, "P", log.leaf("P", page).mcid or 0)
            return
        role = "Caption" if captioned and row == 0 else "TH" if row < headers else "TD"
        begin_marked(canv, role, log.leaf(role, page).mcid or 0)
    elif not headers:
        return
    elif event == "startTable":
        log.open("Table", page)
    elif event == "startRow":
        table.__dict__["_tag_row"] = args[0]
        if not (captioned and args[0] == 0):
            log.open("TR", page)
    elif event == "endRow":
        if not (captioned and table.__dict__.get("_tag_row") == 0):
            log.close()
    elif event == "endTable":
        log.close()


class TaggingFrame(Frame):  # type: ignore[misc]  # reportlab ships no type hints
    """A page frame that tags each flowable as it draws it."""

    def add(self, flowable: Flowable, canv: Any, trySplit: int = 0) -> Any:  # noqa: N803 - reportlab's name
        if isinstance(flowable, Table):
            flowable._renderCB = _table_callback
            return Frame.add(self, flowable, canv, trySplit)
        role = _role(flowable)
        if role is None:
            return Frame.add(self, flowable, canv, trySplit)
        original = flowable.drawOn

        def tagged_draw(canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N803
            log = tags_of(canvas)
            if not role:
                begin_artifact(canvas)
                original(canvas, x, y, _sW=_sW)
                end_marked(canvas)
                return
            plain = getattr(flowable, "getPlainText", None)
            text = str(plain()) if callable(plain) else ""
            node = log.leaf(role, canvas.getPageNumber(), text)
            if getattr(flowable, "tag_deferred", False):
                # Its text is written when the canvas saves (a page reference): it marks it there.
                canvas.__dict__["_tag_mcid"] = node.mcid
                original(canvas, x, y, _sW=_sW)
                return
            begin_marked(canvas, role, node.mcid or 0)
            start = len(canvas._code)
            original(canvas, x, y, _sW=_sW)
            balance_spans(canvas._code, start)
            end_marked(canvas)

        flowable.drawOn = tagged_draw
        try:
            return Frame.add(self, flowable, canv, trySplit)
        finally:
            del flowable.drawOn


def _grouped(nodes: list[Node]) -> list[Node]:
    """Runs of bullet paragraphs become one list: L → LI → LBody (the bullet stays in the text). The
    paragraph's own node becomes the LBody, so the marked content it owns stays where the ParentTree
    points."""
    out: list[Node] = []
    for node in nodes:
        if node.role == "P" and node.text.lstrip().startswith(BULLET):
            if not (out and out[-1].role == "L"):
                out.append(Node("L", node.page))
            node.role = "LBody"
            out[-1].children.append(Node("LI", node.page, children=[node]))
        else:
            out.append(node)
    return out


def _nest_headings(nodes: list[Node]) -> None:
    """Heading levels as a reader needs them: the first is H1, and none skips a level (the clinician
    summary's title is drawn at H2 size with H3 sections under it: read as H1 with H2s)."""
    stack: list[tuple[int, int]] = []  # (level drawn, level read)
    for node in nodes:
        if node.role not in ("H1", "H2", "H3"):
            continue
        drawn = int(node.role[1])
        while stack and stack[-1][0] >= drawn:
            stack.pop()
        read = stack[-1][1] + 1 if stack else 1
        stack.append((drawn, read))
        node.role = f"H{read}"


def write_structure(canv: Any, title: str, lang: str) -> None:
    """Write the structure tree, /MarkInfo and XMP metadata into the canvas's document (before it saves).
    Every page must already have been written with `mark_page`."""
    log = tags_of(canv)
    doc = canv._doc
    names: dict[int, str] = {}

    def ref(node: Node) -> PDFObjectReference:
        key = id(node)
        if key not in names:
            names[key] = f"CPSE{len(names)}"
        return PDFObjectReference(names[key])

    leaf_refs: dict[tuple[int, int], PDFObjectReference] = {}

    def emit(node: Node, parent: PDFObjectReference) -> PDFObjectReference:
        me = ref(node)
        entries: dict[str, Any] = {"Type": PDFName("StructElem"), "S": PDFName(node.role), "P": parent}
        entries["Pg"] = PDFObjectReference(f"Page{node.page}")
        if node.role == "TH":
            entries["A"] = PDFDictionary({"O": PDFName("Table"), "Scope": PDFName("Column")})
        if node.mcid is not None and not node.children:
            entries["K"] = node.mcid
            leaf_refs[(node.page, node.mcid)] = me
        else:
            entries["K"] = PDFArray([emit(child, me) for child in node.children])
        doc.Reference(PDFDictionary(entries), names[id(node)])
        return me

    _nest_headings(log.top)
    root = PDFObjectReference("CPStructTreeRoot")
    document = Node("Document", 1, children=_grouped(log.top))
    document_ref = emit(document, root)
    nums: list[Any] = []
    pages = len(doc.Pages.pages)
    for page in range(1, pages + 1):
        leaves = log.by_page.get(page, [])
        nums += [page - 1, PDFArray([leaf_refs[(page, n.mcid or 0)] for n in leaves])]
    parent_tree = PDFDictionary({"Nums": PDFArray(nums)})
    doc.Reference(
        PDFDictionary(
            {
                "Type": PDFName("StructTreeRoot"),
                "K": document_ref,
                "ParentTree": doc.Reference(parent_tree),
                "ParentTreeNextKey": pages,
            }
        ),
        "CPStructTreeRoot",
    )
    doc.Catalog.StructTreeRoot = root
    doc.Catalog.MarkInfo = PDFDictionary({"Marked": "true"})
    doc.Catalog.Metadata = _xmp(title, lang)


def mark_page(canv: Any, number: int) -> None:
    """After page `number` is written: it belongs to the tree (its /StructParents) and is read in
    structure order (/Tabs /S)."""
    page = canv._doc.Pages.pages[-1]
    page.__NoDefault__ = [*page.__NoDefault__, "StructParents", "Tabs"]
    page.StructParents = number - 1
    page.Tabs = PDFName("S")


def _xmp(title: str, lang: str) -> PDFStream:
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
   <dc:title><rdf:Alt><rdf:li xml:lang="{escape(lang)}">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>
   <pdfuaid:part>1</pdfuaid:part>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return PDFStream(
        dictionary=PDFDictionary({"Type": PDFName("Metadata"), "Subtype": PDFName("XML")}),
        content=body.encode("utf-8"),
    )
