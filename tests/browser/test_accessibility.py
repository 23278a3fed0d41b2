"""Every page passes a basic accessibility audit in a real browser: a language, landmarks,
one h1, headings in order, labelled form controls, named charts and links, WCAG AA text
contrast, no sideways scroll on a phone."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/search/?q=vector",
    "/search/?q=zzzz-nothing",
    "/tools/qdrant/qdrant/",
    "/layers/infrastructure/",
    "/categories/vector-search/",
    "/trending/",
    "/compare/?tools=qdrant/qdrant,milvus-io/milvus",
    "/stats/",
    "/suggest/",
]

AUDIT = r"""() => {
  const problems = [];
  const visible = (el) => !el.closest('[aria-hidden="true"]') && el.type !== "hidden";
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  for (const selector of ["header", "nav", "main", "footer"]) {
    if (!document.querySelector(selector)) problems.push("no <" + selector + "> landmark");
  }
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(h1 + " h1 elements");
  let last = 0;
  for (const heading of document.querySelectorAll("h1, h2, h3, h4")) {
    const level = Number(heading.tagName[1]);
    if (level > last + 1) {
      problems.push("heading jumps to " + heading.tagName + ": " + heading.textContent.trim());
    }
    last = level;
  }
  for (const control of document.querySelectorAll("input, select, textarea")) {
    if (!visible(control)) continue;
    const named = control.labels.length || control.getAttribute("aria-label");
    if (!named) problems.push("unlabelled " + control.tagName + " " + (control.name || control.id));
  }
  for (const svg of document.querySelectorAll("svg[role=img]")) {
    const name = svg.getAttribute("aria-label") || svg.getAttribute("aria-labelledby");
    if (!name) problems.push("unnamed chart");
  }
  for (const link of document.querySelectorAll("a, button")) {
    const name = (link.getAttribute("aria-label") || link.textContent || "").trim();
    if (!name && !link.querySelector("img[alt]")) problems.push("a link or button without a name");
  }
  const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const colour = rgb(getComputedStyle(el).backgroundColor);
      if (colour.length === 3 || colour[3] > 0) return colour.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el.checkVisibility()) continue;
    if (el.closest("svg, .visually-hidden, .skip-link, [aria-hidden=true]")) continue;
    const style = getComputedStyle(el);
    const [fg, bg] = [luminance(rgb(style.color)), luminance(background(el))];
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const text = node.textContent.trim().slice(0, 30);
      problems.push("contrast " + ratio.toFixed(2) + " for " + text);
    }
  }
  return problems;
}"""


def test_every_page_passes_the_basic_accessibility_audit(page, phone, site_catalog):
    problems, overflows = {}, {}
    for url in PAGES:
        page.goto(url)
        problems[url] = page.evaluate(AUDIT)
        phone.goto(url)
        overflows[url] = phone.evaluate("document.documentElement.scrollWidth - innerWidth")

    assert {url: found for url, found in problems.items() if found} == {}
    assert {url: px for url, px in overflows.items() if px > 0} == {}  # no sideways scroll
