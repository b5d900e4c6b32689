/**
 * The `file:` URI of a path, spelled the way VS Code spells it, so that a file read from the workspace
 * folders and the same file opened in the editor are one entry of the store, not two.
 *
 * VS Code writes URIs with vscode-uri (`URI.file(path).toString()`, src/uri.ts there): the scheme, `//`, the
 * authority (a UNC host, lower-cased), then the path with a Windows drive letter lower-cased. Every character
 * other than ASCII letters, digits, `-._~` and the path's `/` is percent-encoded, with upper-case hex,
 * including `!'()*`, which encodeURIComponent leaves alone; an authority keeps `[`, `]` and `:` as they are.
 * Doing this here keeps vscode-uri (10 KB of the server bundle) out of the server: nothing else uses it.
 * test/server/file-uri.test.ts compares the two on many paths.
 */
export function fileUri(fsPath: string, windows = process.platform === 'win32'): string {
  let path = windows ? fsPath.replace(/\\/g, '/') : fsPath;
  let authority = '';
  // `//host/share/…`: a UNC path, whose host is the authority.
  if (path.startsWith('//')) {
    const slash = path.indexOf('/', 2);
    authority = slash === -1 ? path.slice(2) : path.slice(2, slash);
    path = slash === -1 ? '/' : path.slice(slash) || '/';
  }
  if (!path.startsWith('/')) path = `/${path}`;
  const drive = /^\/([A-Z]):/.exec(path);
  if (drive) path = `/${drive[1].toLowerCase()}${path.slice(2)}`;
  return `file://${encodeAuthority(authority)}${path.split('/').map(encodeComponent).join('/')}`;
}

function encodeComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Keeps what an authority may hold (`[`, `]`, `:`), as vscode-uri does. */
function encodeHost(text: string): string {
  return encodeComponent(text).replace(/%(5B|5D|3A)/g, (escaped) => decodeURIComponent(escaped));
}

function encodeAuthority(authority: string): string {
  if (!authority) return '';
  let out = '';
  const at = authority.indexOf('@');
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.lastIndexOf(':');
    out += colon === -1 ? encodeComponent(userinfo) : `${encodeComponent(userinfo.slice(0, colon))}:${encodeHost(userinfo.slice(colon + 1))}`;
    out += '@';
  }
  const host = authority.slice(at + 1).toLowerCase();
  const port = host.lastIndexOf(':');
  return port === -1 ? out + encodeHost(host) : out + encodeHost(host.slice(0, port)) + host.slice(port);
}
