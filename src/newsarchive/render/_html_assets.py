"""The stylesheet inlined into every HTML page, and the Content-Security-Policy that admits it.

Pages carry no script: the inline/side-by-side switch is two radio buttons and CSS sibling
selectors, so the policy can forbid scripts outright. The stylesheet is admitted by its hash
rather than ``'unsafe-inline'``, so even a ``style`` attribute smuggled past escaping would be
ignored.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """\
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#5b5b66;--bg:#fff;--panel:#f5f5f7;\
--line:#d6d6de;--ins-bg:#d7f5dd;--ins-fg:#0b4d1c;--del-bg:#fde0e0;--del-fg:#7a1010;\
--edit:#f4c542;--new:#3aa655;--moved:#6d8fd8;--gone:#d9534f;--accent:#1f5fbf}
@media (prefers-color-scheme:dark){:root{--fg:#ececf1;--muted:#a6a6b3;--bg:#16161a;\
--panel:#222228;--line:#3a3a44;--ins-bg:#143d20;--ins-fg:#b9f0c6;--del-bg:#4a1a1a;\
--del-fg:#ffc9c9;--accent:#8ab4ff}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:72rem;padding:1rem 1.25rem 3rem;font:16px/1.55 system-ui,\
-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 .5rem;overflow-wrap:anywhere}
h2{font-size:1.25rem;margin:2rem 0 .75rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{font-size:1.05rem;margin:0 0 .5rem}
.eyebrow{margin:0;color:var(--muted);font-size:.85rem;text-transform:uppercase;letter-spacing:.06em}
.url{margin:0 0 .5rem;overflow-wrap:anywhere;font-size:.95rem}
.meta,.muted{color:var(--muted);font-size:.9rem}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:.5rem 0 0}
ins{background:var(--ins-bg);color:var(--ins-fg);text-decoration:underline;\
text-decoration-thickness:1px}
del{background:var(--del-bg);color:var(--del-fg);text-decoration:line-through}
ins::before,ins::after,del::before,del::after{clip-path:inset(100%);height:1px;width:1px;\
overflow:hidden;position:absolute;white-space:nowrap}
ins::before{content:" [inserted: "}
del::before{content:" [deleted: "}
ins::after,del::after{content:"] "}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(100%);white-space:nowrap}
.view-toggle{position:absolute;opacity:0;pointer-events:none}
.view-switch{display:inline-flex;border:1px solid var(--line);border-radius:.4rem;\
overflow:hidden;margin:0 0 1rem}
.view-switch label{padding:.3rem .8rem;cursor:pointer;font-size:.9rem}
#view-inline:checked~main label[for=view-inline],#view-side:checked~main label[for=view-side]\
{background:var(--accent);color:var(--bg)}
#view-inline:focus-visible~main label[for=view-inline],\
#view-side:focus-visible~main label[for=view-side]{outline:2px solid var(--accent);\
outline-offset:2px}
#view-inline:checked~main .diff-side,#view-side:checked~main .diff-inline{display:none}
.timeline{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
.timeline>li{position:relative;margin:0 0 .9rem;padding-left:1rem}
.timeline>li::before{content:"";position:absolute;left:-.5rem;top:.45rem;width:.7rem;\
height:.7rem;border-radius:50%;background:var(--muted)}
.timeline>li.substantive::before{background:var(--gone)}
.timeline>li.minor::before{background:var(--edit)}
.timeline>li.cosmetic::before,.timeline>li.none::before{background:var(--line)}
.timeline .when{font-variant-numeric:tabular-nums}
.badge{display:inline-block;border:1px solid var(--line);border-radius:1rem;padding:0 .5rem;\
font-size:.8rem;margin-left:.3rem;white-space:nowrap}
.badge.substantive{border-color:var(--gone)}
.badge.minor{border-color:var(--edit)}
.badge.stealth,.badge.revert{font-weight:600}
.reasons{margin:.2rem 0 0;padding-left:1.2rem;font-size:.9rem;color:var(--muted)}
.diff{border:1px solid var(--line);border-radius:.5rem;padding:1rem;margin:0 0 1.5rem;\
background:var(--bg);position:relative}
.fields{border-collapse:collapse;margin:0 0 .75rem;width:100%}
.fields th,.fields td{text-align:left;vertical-align:top;padding:.3rem .5rem;\
border-top:1px solid var(--line);overflow-wrap:anywhere}
.fields th{width:8rem;font-weight:600}
.fields .headline td{font-size:1.1rem}
.text{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
.diff-inline{background:var(--panel);padding:.1rem .75rem;border-radius:.4rem}
.diff-inline .text{margin:.6rem 0}
details.same{margin:.3rem 0;color:var(--muted)}
details.same>summary{cursor:pointer;font-size:.85rem;padding:.2rem 0}
details.same[open]{color:inherit}
.diff-side{width:100%;border-collapse:collapse;table-layout:fixed}
.diff-side th{text-align:left;font-size:.9rem;padding:.3rem .5rem}
.diff-side td{vertical-align:top;padding:.4rem .5rem;border-top:1px solid var(--line);width:50%}
.diff-side tr.changed td{background:var(--panel)}
/* Positioned, so the visually hidden labels inside stay within the scrolling box. */
.scroll{overflow-x:auto;position:relative}
.heatmap{border-collapse:collapse;font-size:.85rem}
.heatmap th,.heatmap td{border:1px solid var(--line);padding:.2rem .35rem}
.heatmap thead th{font-weight:600;text-align:center}
.heatmap td.para{max-width:32rem;min-width:14rem;overflow-wrap:anywhere}
.heatmap td.cell{text-align:center;min-width:2.2rem;font-weight:700}
.cell.added{background:var(--new);color:#fff}
.cell.edited{background:var(--edit);color:#000}
.cell.moved{background:var(--moved);color:#fff}
.cell.removed{background:var(--gone);color:#fff}
.cell.restored{background:var(--new);color:#fff;outline:2px dashed var(--bg);outline-offset:-4px}
.cell.present{background:var(--panel);color:var(--muted)}
.cell.absent{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:.35rem 1rem;list-style:none;padding:0;font-size:.85rem}
.legend .cell{display:inline-block;min-width:1.6rem;text-align:center;font-weight:700;\
border:1px solid var(--line);margin-right:.3rem}
footer{margin-top:3rem;color:var(--muted);font-size:.8rem}
@media (max-width:40rem){body{padding:.75rem .75rem 2rem;font-size:15px}
h1{font-size:1.3rem}
.diff{padding:.6rem}
.diff-side thead{display:none}
.diff-side,.diff-side tbody,.diff-side tr,.diff-side td{display:block;width:100%}
.diff-side td+td{border-top:1px dashed var(--line)}
.diff-side tr:not(.changed) td:first-child{display:none}
.heatmap td.para{min-width:9rem;font-size:.8rem}
.fields th{width:5.5rem}}
@media print{:root{--bg:#fff;--fg:#000;--panel:#fff}
body{max-width:none;padding:0;font-size:11pt}
nav,.view-switch,.view-toggle{display:none}
a{color:inherit}
.diff{break-inside:auto;border:none;padding:0}
.diff-inline{padding:0}
h2,h3{break-after:avoid}
ins,del,.cell,.timeline li::before{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
"""

_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")

# No script-src: default-src 'none' forbids every script, fetch, font, frame and image, so
# an archived page cannot make the report run code or touch the network.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; base-uri 'none'; form-action 'none'"
)
