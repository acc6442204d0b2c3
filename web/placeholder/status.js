// Shows the server's readiness on the placeholder page (a file, because the CSP forbids inline scripts).
fetch('/readyz')
  .then((response) => response.json())
  .then((body) => {
    document.getElementById('status').textContent =
      body.status === 'ready' ? 'ready (' + body.database + ')' : 'database unavailable';
  })
  .catch(() => {
    document.getElementById('status').textContent = 'unreachable';
  });
