"""`make i18n` (`python -m socialroi.deliver.i18n.extract`): every English text of the product
into `model/locale/messages.pot`, and each language's PO file brought up to date with it.

The texts come from where they are written: the report's phrases (`catalogue.MESSAGES`, the
key as context), the metric catalogue, the names of models, kinds, channels, formats and
profiles (`model/names.py`), error messages (`errors.ERRORS`), the dashboard's column
headers (`columns.COLUMNS`), the dashboard's templates (`{{ _("...") }}`, Babel's Jinja
extractor) and its Python code (`N_("...")`). Babel's `Catalog.update` then adds new texts
to each PO file untranslated, marks changed ones fuzzy and keeps the rest: a translator
opens the PO file in any gettext tool (Poedit, Weblate, Lokalize) and fills the gaps.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from socialroi.deliver.i18n import catalogue, columns, errors, values
from socialroi.measure.profiles import PROFILES, load_profile
from socialroi.model import names, words
from socialroi.model.metrics import METRICS
from socialroi.model.metrics.localized import PARTS, context
from socialroi.store.web import ROLES

WEB = Path(__file__).parents[1] / "web"
WIDTH = 100


def sources() -> list[tuple[str | None, str, str]]:
    """(context, English, where) of every text the product shows, in a stable order."""
    out: list[tuple[str | None, str, str]] = []
    for key in catalogue.MESSAGES:
        out.append((key, catalogue.english(key) or "", "deliver/i18n/catalogue.py"))
    for name, m in METRICS.items():
        out += [(context(name, p), getattr(m, p), "model/metrics/catalogue.py") for p in PARTS]
    cx = names.CONTEXTS
    out += [(cx["model"], v, "model/names.py") for v in names.MODEL_NAMES["en"].values()]
    out += [(cx["kind"], v, "model/names.py") for v in names.CONVERSION_KINDS]
    out += [(cx["channel"], v, "model/names.py") for v in names.CHANNEL_GROUPS]
    out += [(cx["format"], v, "model/names.py") for v in names.POST_FORMATS]
    out += [(cx["paid"], v, "model/names.py") for v in names.PAID_WORDS]
    for p in sorted(PROFILES):
        prof = load_profile(p)
        out.append((cx["profile"], prof.label, "measure/profiles"))
        out.append((cx["profile_description"], prof.description, "measure/profiles"))
    for code, text in errors.ERRORS.items():
        out.append((errors.template_context(code), text, "deliver/i18n/errors.py"))
    out.append(("error:hint", " (did you mean {name}?)", "deliver/i18n/errors.py"))
    out += [("name kind", k, "deliver/i18n/errors.py") for k in errors.NAME_KINDS]
    out += [("role", r, "store/web.py") for r in ROLES]
    out += [("column", v, "deliver/i18n/columns.py") for v in columns.phrases()]
    out += [(ctx, v, "deliver/i18n/values.py") for ctx, v in values.phrases()]
    out += [(None, w, "deliver/i18n/formats.py") for w in ("yes", "no")]
    out += [(None, text, where) for text, where in _dashboard()]
    return out


def _dashboard() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    method_map = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
    options = {"templates/**.html": {}, "**.py": {}}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(WEB), method_map, options, keywords={"_": None, "N_": None}
    ):
        if isinstance(message, str) and message:
            found.append((message, f"deliver/web/{filename}:{lineno}"))
    return found


def template() -> Catalog:
    cat = Catalog(project="socialroi", charset="utf-8", fuzzy=False)
    for ctx, text, where in sources():
        if not text:
            continue
        msg = cat.get(text, ctx)
        if msg is None:
            cat.add(text, context=ctx, locations=[(where, None)])
        elif (where, None) not in msg.locations:
            msg.locations.append((where, None))
    return cat


def _inline(lang: str) -> dict[tuple[str, str], str]:
    """Translations still written inside `MESSAGES` (the old `{"en": ..., lang: ...}` form)."""
    out = {}
    for key, entry in catalogue.MESSAGES.items():
        if isinstance(entry, dict) and entry.get(lang):
            out[(key, entry["en"])] = entry[lang]
    return out


def update(directory: Path = words.LOCALE_DIR) -> list[Path]:
    """Write messages.pot and bring every PO file in `directory` up to date; returns them."""
    tpl = template()
    written = [directory / "messages.pot"]
    _write(tpl, written[0])
    for po in sorted(directory.glob("*.po")):
        with po.open("rb") as fh:
            cat = read_po(fh, locale=po.stem)
        for (ctx, text), translated in _inline(words.tag_of(po.stem)).items():
            cat.add(text, translated, context=ctx)
        cat.update(tpl, no_fuzzy_matching=True)
        _write(cat, po)
        written.append(po)
    words.reload()
    return written


def _write(cat: Catalog, path: Path) -> None:
    buf = io.BytesIO()
    write_po(buf, cat, width=WIDTH, omit_header=False, include_previous=False, sort_output=True)
    text = buf.getvalue().decode()
    # No dates in the files: an unchanged catalogue rewrites to the same bytes.
    lines = [ln for ln in text.splitlines(keepends=True) if "-Date:" not in ln]
    path.write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    for p in update():
        print(p)
