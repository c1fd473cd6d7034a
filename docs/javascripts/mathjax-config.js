// MathJax 2.7, served from this site (hooks/mathjax.py copies it in from the
// jupyter_server_mathjax package, which ships the STIX-Web fonts only).
// pymdownx.arithmatex wraps formulas in \( \) and \[ \] inside elements of class
// "arithmatex".
window.MathJax = {
  config: ["TeX-AMS-MML_HTMLorMML-full.js"],
  "HTML-CSS": { availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null },
  SVG: { font: "STIX-Web" },
  tex2jax: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processClass: "arithmatex",
    ignoreClass: ".*"
  },
  showMathMenu: false,
  messageStyle: "none"
};
