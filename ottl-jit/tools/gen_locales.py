#!/usr/bin/env python3
"""Writes ottl-types/data/locales.tsv: the localized names `Time(..., locale)` translates, per CLDR
locale, as upstream's parser (elastic/lunes, CLDR 45) builds them.

Usage: gen_locales.py CLDR_COMMON_DIR > ottl-types/data/locales.tsv
CLDR_COMMON_DIR is the `common/` folder of CLDR 45's core data (for example the one in the npm
package `cldr@7.6.0`, under `3rdparty/cldr/common`).

What each table holds (the facts this reproduces):
- Only the gregorian calendar of the locale's own XML file, `format` context: abbreviated and
  wide day names, abbreviated and wide month names, and the am/pm day periods of the first of the
  abbreviated/narrow widths that names both (a `variant` does not replace a plain one; U+202F is
  removed). Aliases are not followed and root is not inherited.
- A locale starts from its parent's table (parents first) and overrides it with what its own file
  names. The parent is golang.org/x/text's `Tag.Parent()`: region-based parent locales, then the
  region dropped (and the script, when it is the language's likely one); a language with a script
  that is not its likely one, and a bare language, have no parent.
- A locale with no data, or with a list that is not complete (7 days, 12 months, 2 periods), is
  left out.

Output: one line per locale, `tag<TAB>short days<TAB>long days<TAB>short months<TAB>long
months<TAB>day periods`, each list `|`-separated (empty when the locale has none), or
`tag<TAB>=parent` when the tables equal the parent's.
"""

import os
import sys
import xml.etree.ElementTree as ET

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]


def tag_of(stem):
    """The file's tag as x/text writes it: `el_POLYTON` is `el-polyton`."""
    if stem == "root":
        return "und"
    parts = stem.split("_")
    out = [parts[0].lower()]
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha():
            out.append(p.title())
        elif (len(p) == 2 and p.isalpha()) or (len(p) == 3 and p.isdigit()):
            out.append(p.upper())
        else:
            out.append(p.lower())
    return "-".join(out)


def split(tag):
    """(language, script, region) of a tag such as `zh-Hant-HK`."""
    parts = tag.split("-")
    lang, script, region = parts[0], "", ""
    for p in parts[1:]:
        if len(p) == 4 and p.isalpha():
            script = p
        elif (len(p) == 2 and p.isalpha()) or (len(p) == 3 and p.isdigit()):
            region = p
    return lang, script, region


def load_likely(common):
    likely = {}
    root = ET.parse(os.path.join(common, "supplemental", "likelySubtags.xml")).getroot()
    for e in root.iter("likelySubtag"):
        likely[e.get("from").replace("_", "-")] = e.get("to").replace("_", "-")
    return likely


def max_script(likely, lang, script, region):
    if script:
        return script
    for key in (f"{lang}-{region}" if region else None, lang, f"und-{region}" if region else None):
        if key and key in likely:
            return split(likely[key])[1]
    return ""


def load_region_parents(common, likely):
    """x/text's parents table: children that differ from their parent only by region."""
    parents = {}
    root = ET.parse(os.path.join(common, "supplemental", "supplementalData.xml")).getroot()
    for group in root.iter("parentLocales"):
        if group.get("component"):
            continue
        for e in group.iter("parentLocale"):
            parent = e.get("parent").replace("_", "-")
            if parent == "root":
                continue
            plang, pscript, pregion = split(parent)
            for child in e.get("locales").split():
                lang, script, region = split(child.replace("_", "-"))
                if lang != plang or not region:
                    continue
                pmax = max_script(likely, plang, pscript, pregion)
                if max_script(likely, lang, script, region) != pmax:
                    continue
                parents[(lang, pmax, region)] = parent
    return parents


def parent_of(tag, likely, region_parents):
    if tag == "und":
        return None
    lang, script, region = split(tag)
    base_script = max_script(likely, lang, "", "")
    if region:
        ms = max_script(likely, lang, script, region)
        if (lang, ms, region) in region_parents:
            return region_parents[(lang, ms, region)]
        return f"{lang}-{ms}" if ms != base_script else lang
    if script:
        return lang if script == base_script else None
    return None


def gregorian(path):
    root = ET.parse(path).getroot()
    for cal in root.iter("calendar"):
        if cal.get("type") == "gregorian":
            return cal
    return None


def merge(current, entries):
    """lunes' month/day lookup: nothing when there was nothing and nothing is named."""
    if current is None and not entries:
        return None
    merged = dict(current or {})
    merged.update(entries)
    return merged


def fill(cal, data):
    for months in cal.findall("months"):
        for ctx in months.findall("monthContext"):
            if ctx.get("type") != "format":
                continue
            for width in ctx.findall("monthWidth"):
                key = {"abbreviated": "short_months", "wide": "long_months"}.get(width.get("type"))
                if key:
                    entries = [(MONTHS[int(m.get("type")) - 1], m.text or "") for m in width.findall("month")]
                    data[key] = merge(data[key], entries)
    for days in cal.findall("days"):
        for ctx in days.findall("dayContext"):
            if ctx.get("type") != "format":
                continue
            for width in ctx.findall("dayWidth"):
                key = {"abbreviated": "short_days", "wide": "long_days"}.get(width.get("type"))
                if key:
                    entries = [(d.get("type"), d.text or "") for d in width.findall("day") if d.get("type") in DAYS]
                    data[key] = merge(data[key], entries)
    for periods in cal.findall("dayPeriods"):
        for ctx in periods.findall("dayPeriodContext"):
            if ctx.get("type") != "format":
                continue
            found = {}
            for width in ctx.findall("dayPeriodWidth"):
                if width.get("type") not in ("abbreviated", "narrow"):
                    continue
                for p in width.findall("dayPeriod"):
                    if p.get("type") in ("am", "pm"):
                        if p.get("type") in found and p.get("alt") == "variant":
                            continue
                        found[p.get("type")] = (p.text or "").replace("\u202f", "")
                if len(found) == 2:
                    data["periods"] = dict(found)
                    break


FIELDS = [("short_days", DAYS), ("long_days", DAYS), ("short_months", MONTHS), ("long_months", MONTHS),
          ("periods", ["am", "pm"])]


def row(data):
    out = []
    for key, order in FIELDS:
        table = data[key]
        values = [] if table is None else [table.get(k, "") for k in order]
        for v in values:
            assert "|" not in v and "\t" not in v and "\n" not in v, v
        out.append("|".join(values))
    return out


def main():
    common = sys.argv[1]
    likely = load_likely(common)
    region_parents = load_region_parents(common, likely)
    stems = {tag_of(f[:-4]): f[:-4] for f in os.listdir(os.path.join(common, "main")) if f.endswith(".xml")}
    tags = sorted(stems)
    known = set(tags)
    data = {}

    def build(tag):
        if tag in data:
            return data[tag]
        parent = parent_of(tag, likely, region_parents)
        start = build(parent) if parent in known else None
        d = {k: (None if start is None or start[k] is None else dict(start[k])) for k, _ in FIELDS}
        cal = gregorian(os.path.join(common, "main", stems[tag] + ".xml"))
        if cal is not None:
            fill(cal, d)
        data[tag] = d
        return d

    sizes = {"short_days": 7, "long_days": 7, "short_months": 12, "long_months": 12, "periods": 2}
    print("# CLDR 45 gregorian names per locale, by ottl-jit/tools/gen_locales.py; see its header.")
    for tag in tags:
        d = build(tag)
        if all(d[k] is None for k, _ in FIELDS):
            continue
        if any(d[k] is not None and len(d[k]) != sizes[k] for k, _ in FIELDS):
            continue
        parent = parent_of(tag, likely, region_parents)
        if parent in known and parent in data and row(data[parent]) == row(d):
            print(f"{tag}\t={parent}")
        else:
            print("\t".join([tag] + row(d)))


main()
