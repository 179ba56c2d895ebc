// Marks the page as having JavaScript before it is painted, as the NHS.UK page template does
// inline; kept in a file so the Content-Security-Policy needs no inline script.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' nhsuk-frontend-supported' : '');
