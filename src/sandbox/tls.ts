/**
 * A throw-away certificate authority for the sandbox hub, built with node:crypto alone.
 *
 * kubectl never sends a bearer token over plain HTTP and client-node refuses http:// servers, so the
 * sandbox must speak TLS with a CA the kubeconfig can name. Node can sign but cannot build certificates,
 * so this file carries the few DER encoders an X.509 v3 certificate needs (RFC 5280), nothing more.
 */
import * as crypto from 'node:crypto';

/** One DER TLV. Lengths use the short form below 128 bytes and the long form above. */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (b: Buffer) => tlv(0x04, b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);

/** A positive INTEGER: a leading zero byte keeps the sign bit clear. */
function integer(bytes: Buffer): Buffer {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** BIT STRING with no unused bits (keys, signatures, key usage flags). */
const bits = (b: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));

/** UTCTime until 2049, GeneralizedTime after, as RFC 5280 §4.1.2.5 requires. */
function time(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2), 'ascii')) : tlv(0x18, Buffer.from(iso, 'ascii'));
}

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
};

function name(commonName: string): Buffer {
  return seq(set(seq(oid(OID.organization), utf8('ibgu-sandbox'))), set(seq(oid(OID.commonName), utf8(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

/** KeyUsage is a named bit list: bit 0 is the high bit of the first byte. */
function keyUsage(bitsSet: number[]): Buffer {
  let v = 0;
  for (const b of bitsSet) v |= 0x80 >> b;
  return bits(Buffer.from([v]));
}

function ipBytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

interface CertRequest {
  subject: string;
  publicKey: crypto.KeyObject;
  issuer: string;
  issuerKey: crypto.KeyObject;
  issuerKeyId: Buffer;
  isCa: boolean;
  dnsNames?: string[];
  ips?: string[];
  days: number;
}

function keyId(publicKey: crypto.KeyObject): Buffer {
  return crypto.createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

function issue(req: CertRequest): string {
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  // Start a minute in the past: clients with a slightly different clock would reject a cert from "the future".
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + req.days * 86_400_000);
  const extensions: Buffer[] = [
    extension(OID.basicConstraints, true, req.isCa ? seq(bool(true)) : seq()),
    // CA: keyCertSign(5) + cRLSign(6) + digitalSignature(0); leaf: digitalSignature only (ECDHE needs no keyEncipherment).
    extension(OID.keyUsage, true, keyUsage(req.isCa ? [0, 5, 6] : [0])),
    extension(OID.subjectKeyId, false, octets(keyId(req.publicKey))),
    extension(OID.authorityKeyId, false, seq(tlv(0x80, req.issuerKeyId))),
  ];
  if (!req.isCa) {
    extensions.push(extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth))));
    const alt = [...(req.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, 'ascii'))), ...(req.ips ?? []).map((ip) => tlv(0x87, ipBytes(ip)))];
    extensions.push(extension(OID.subjectAltName, false, seq(...alt)));
  }
  const serial = crypto.randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const tbs = seq(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    name(req.issuer),
    seq(time(notBefore), time(notAfter)),
    name(req.subject),
    req.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...extensions)),
  );
  const signature = crypto.sign('sha256', tbs, req.issuerKey);
  const der = seq(tbs, algorithm, bits(signature));
  return toPem('CERTIFICATE', der);
}

function toPem(label: string, der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export interface SandboxPki {
  caPem: string;
  caPublicKey: crypto.KeyObject;
  certPem: string;
  keyPem: string;
}

/** A fresh CA and a server certificate for 127.0.0.1 / localhost, both EC P-256, valid for `days`. */
export function generatePki(days = 365): SandboxPki {
  const ca = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caKeyId = keyId(ca.publicKey);
  const caPem = issue({ subject: 'ibgu-sandbox-ca', publicKey: ca.publicKey, issuer: 'ibgu-sandbox-ca', issuerKey: ca.privateKey, issuerKeyId: caKeyId, isCa: true, days });
  const leaf = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const certPem = issue({
    subject: 'ibgu-sandbox-hub',
    publicKey: leaf.publicKey,
    issuer: 'ibgu-sandbox-ca',
    issuerKey: ca.privateKey,
    issuerKeyId: caKeyId,
    isCa: false,
    dnsNames: ['localhost'],
    ips: ['127.0.0.1'],
    days,
  });
  return { caPem, caPublicKey: ca.publicKey, certPem, keyPem: leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
