// The print stylesheet of the PDF: a title block over the executive summary, contents with page numbers, tables sized to their content.
export const pdfStyles = `
@page { size: A4; }
html { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif, "Noto Color Emoji"; font-size: 9.5pt; color: #1b1f24; }
body { margin: 0; line-height: 1.38; }
.cover { margin-bottom: 2mm; }
.cover-kicker { text-transform: uppercase; letter-spacing: .12em; color: #8a1c1c; font-weight: 700; font-size: 8pt; margin: 0; }
.cover-title { font-size: 15pt; font-weight: 700; line-height: 1.2; margin: 1mm 0 2mm; }
.cover-meta { border-collapse: collapse; width: auto; margin: 0; font-size: 8.5pt; }
.cover-meta tr { display: inline; }
.cover-meta th { text-align: left; color: #555; font-weight: 600; background: none; border: 0; padding: 0 1mm 0 0; }
.cover-meta td { border: 0; padding: 0 4mm 0 0; }
.cover-notice { margin: 2mm 0 0; padding: 1.5mm 3mm; background: #fff6db; border-left: 3px solid #d9a400; font-size: 8.5pt; }
.toc { break-before: page; break-after: page; }
.toc ol { list-style: none; padding-left: 0; }
.toc li.toc-1 { font-weight: 700; margin-top: 2.5mm; }
.toc li.toc-2 { padding-left: 6mm; }
.toc a { color: #1b1f24; text-decoration: none; display: flex; gap: 2mm; }
.toc .toc-text { flex: 1 1 auto; }
.toc a::after { content: ""; order: 1; flex: 1 1 auto; border-bottom: 1px dotted #999; margin-bottom: 1mm; }
.toc .toc-text { flex: 0 1 auto; }
.toc .toc-page { order: 2; flex: 0 0 auto; min-width: 8mm; text-align: right; font-variant-numeric: tabular-nums; }
main h1 { font-size: 15pt; border-bottom: 2px solid #8a1c1c; padding-bottom: 1mm; margin: 0 0 3mm; break-before: page; }
main > h1:first-child { break-before: avoid; font-size: 13pt; margin-top: 1mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
h4 { font-size: 10pt; margin: 3mm 0 1mm; }
p { margin: 1.5mm 0; }
h1, h2, h3, h4 { break-after: avoid; }
a { color: #0b4f8a; text-decoration: none; }
table { border-collapse: collapse; width: auto; max-width: 100%; margin: 2mm 0; font-size: 8.3pt; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 1px solid #d0d7de; padding: .8mm 1.5mm; vertical-align: top; overflow-wrap: normal; word-break: normal; hyphens: manual; }
th { background: #f3f5f7; text-align: left; }
td[style*="right"], th[style*="right"] { font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 8pt; background: #f3f5f7; padding: 0 .5mm; overflow-wrap: break-word; }
td code, th code { overflow-wrap: normal; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 2mm; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 7.8pt; }
pre code { background: none; padding: 0; font-size: 7.8pt; }
blockquote { margin: 2mm 0; padding: .5mm 3mm; border-left: 3px solid #d9a400; background: #fffbea; break-inside: avoid; }
details { margin: 1.5mm 0; border: 1px solid #d0d7de; border-radius: 1mm; padding: 0 2mm 1mm; }
summary { font-weight: 600; padding: .8mm 0; display: list-item; list-style: disclosure-open inside; }
img { max-width: 100%; break-inside: avoid; }
ul, ol { margin: 1mm 0; padding-left: 5mm; }
li { break-inside: avoid; margin: .5mm 0; }
.back { font-size: 8pt; }
`;
