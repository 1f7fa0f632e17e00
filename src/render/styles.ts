// The print stylesheet of the PDF: cover, contents, tables and findings kept whole, emoji-capable fonts.
export const pdfStyles = `
@page { size: A4; }
html { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif, "Noto Color Emoji"; font-size: 10.5pt; color: #1b1f24; }
body { margin: 0; line-height: 1.45; }
.cover { page-break-after: always; break-after: page; padding-top: 45mm; }
.cover-kicker { text-transform: uppercase; letter-spacing: .12em; color: #8a1c1c; font-weight: 700; }
.cover-title { font-size: 24pt; line-height: 1.2; margin: 4mm 0 10mm; }
.cover-meta { border-collapse: collapse; width: 100%; }
.cover-meta th { text-align: left; width: 32%; color: #555; font-weight: 600; }
.cover-meta th, .cover-meta td { border-bottom: 1px solid #ddd; padding: 2mm 1mm; vertical-align: top; }
.cover-notice { margin-top: 12mm; padding: 3mm 4mm; background: #fff6db; border-left: 3px solid #d9a400; }
.toc { page-break-after: always; break-after: page; }
.toc ol { list-style: none; padding-left: 0; }
.toc li.toc-1 { font-weight: 700; margin-top: 3mm; }
.toc li.toc-2 { padding-left: 6mm; }
.toc a { color: #1b1f24; text-decoration: none; }
main h1 { font-size: 18pt; border-bottom: 2px solid #8a1c1c; padding-bottom: 1mm; page-break-before: always; break-before: page; }
main > h1:first-child { page-break-before: avoid; break-before: avoid; }
h2 { font-size: 13.5pt; margin-top: 7mm; }
h3 { font-size: 11.5pt; }
h1, h2, h3, h4 { page-break-after: avoid; break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 3mm 0; font-size: 9pt; page-break-inside: avoid; break-inside: avoid; }
th, td { border: 1px solid #d0d7de; padding: 1.2mm 1.8mm; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f3f5f7; }
code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", monospace; font-size: 8.6pt; background: #f3f5f7; padding: 0 .6mm; overflow-wrap: anywhere; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 2.5mm; white-space: pre-wrap; overflow-wrap: anywhere; page-break-inside: avoid; break-inside: avoid; }
pre code { background: none; padding: 0; }
blockquote { margin: 3mm 0; padding: 1mm 4mm; border-left: 3px solid #d9a400; background: #fffbea; page-break-inside: avoid; break-inside: avoid; }
details { margin: 2mm 0; page-break-inside: avoid; break-inside: avoid; }
summary { font-weight: 600; }
img { max-width: 100%; page-break-inside: avoid; break-inside: avoid; }
ul, ol { page-break-inside: auto; }
li { page-break-inside: avoid; break-inside: avoid; }
`;
