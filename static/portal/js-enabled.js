// GOV.UK Frontend's class on <body> saying JavaScript runs, set before the page paints. A file,
// not an inline script, so the Content-Security-Policy needs no 'unsafe-inline'.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
