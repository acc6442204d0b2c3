// Values an email link carries after '#' (e.g. /verify#email=…&code=…). The fragment never
// reaches a server, so codes stay out of access logs; once read, it is removed from the address
// bar and the history.
export function takeFragment(): Record<string, string> {
  if (typeof window === 'undefined' || window.location.hash.length <= 1) return {};
  const values = Object.fromEntries(new URLSearchParams(window.location.hash.slice(1)));
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return values;
}
