/* The door screen shows a code that changes every 30 seconds: load the page again on time. The
   noscript meta refresh does the same without JavaScript. */
setTimeout(function () { window.location.reload(); }, 30000);
