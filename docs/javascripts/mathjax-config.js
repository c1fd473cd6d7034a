// MathJax 2.7, served from this site (hooks/mathjax.py copies it in): pymdownx.arithmatex
// wraps formulas in \( \) and \[ \] inside elements of class "arithmatex".
window.MathJax = {
  jax: ["input/TeX", "output/CommonHTML"],
  extensions: ["tex2jax.js"],
  TeX: { extensions: ["AMSmath.js", "AMSsymbols.js"] },
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
