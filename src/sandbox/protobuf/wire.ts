/**
 * The protobuf wire format, as much of it as Kubernetes' generated messages use: varints (int32, int64, bool,
 * enums), length-delimited fields (strings, bytes, messages, map entries) and, only to skip them, fixed32/64
 * and groups. Errors are worded like the gogo-generated Unmarshal code the real server runs
 * (k8s.io/api/core/v1/generated.pb.go: ErrIntOverflowGenerated, ErrInvalidLengthGenerated, io.ErrUnexpectedEOF).
 */

export const enum WireType { Varint = 0, Fixed64 = 1, Bytes = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 }

/** A body the decoder refuses; its message is the one the real server puts after "cannot be handled as a …: ". */
export class ProtobufError extends Error {}

const overflow = () => new ProtobufError('proto: integer overflow');
const unexpectedEof = () => new ProtobufError('unexpected EOF');

/** Groups nested past this are refused (gogo's skip counts group depth the same way, without a limit). */
const MAX_GROUP_DEPTH = 100;

export class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly end = buf.length) {}

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint of at most 64 bits, as a bigint (10 bytes at most, as Go's decoder allows). */
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (shift >= 64n) throw overflow();
      if (this.pos >= this.end) throw unexpectedEof();
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
    }
  }

  /** A varint read as a JavaScript number; int64 values past 2^53 lose precision, as they would in JSON. */
  int64(): number {
    return Number(BigInt.asIntN(64, this.varint()));
  }

  int32(): number {
    return Number(BigInt.asIntN(32, this.varint()));
  }

  bool(): boolean {
    return this.varint() !== 0n;
  }

  /** The bytes of a length-delimited field, as a view into the body. */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > BigInt(this.end - this.pos)) {
      // Go reads the length as a signed int: a 64-bit length with the top bit set is "negative".
      throw BigInt.asIntN(64, length) < 0n ? new ProtobufError('proto: negative length found during unmarshaling') : unexpectedEof();
    }
    const start = this.pos;
    this.pos += Number(length);
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    return new TextDecoder('utf-8').decode(this.bytes());
  }

  /** The field number and wire type of the next field. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === WireType.EndGroup) throw new ProtobufError(`proto: wiretype end group for non-group`);
    if (field <= 0 || key >> 3n > 0x7fffffffn) throw new ProtobufError(`proto: illegal tag ${field} (wire type ${wire})`);
    return { field, wire };
  }

  /** Skips the value of a field this decoder does not know: the real server ignores unknown fields too. */
  skip(wire: number, depth = 0): void {
    switch (wire) {
      case WireType.Varint: this.varint(); return;
      case WireType.Fixed64: this.advance(8); return;
      case WireType.Fixed32: this.advance(4); return;
      case WireType.Bytes: this.bytes(); return;
      case WireType.StartGroup: {
        if (depth >= MAX_GROUP_DEPTH) throw new ProtobufError(`proto: groups nested deeper than ${MAX_GROUP_DEPTH}`);
        for (;;) {
          const key = this.varint();
          const inner = Number(key & 7n);
          if (inner === WireType.EndGroup) return;
          this.skip(inner, depth + 1);
        }
      }
      default: throw new ProtobufError(`proto: illegal wireType ${wire}`);
    }
  }

  private advance(n: number): void {
    if (this.end - this.pos < n) throw unexpectedEof();
    this.pos += n;
  }
}

export class Writer {
  private chunks: Uint8Array[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  raw(bytes: Uint8Array): this {
    this.push(bytes);
    return this;
  }

  varint(value: bigint | number): this {
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
    return this;
  }

  tag(field: number, wire: WireType): this {
    return this.varint((BigInt(field) << 3n) | BigInt(wire));
  }

  bytesField(field: number, bytes: Uint8Array): this {
    return this.tag(field, WireType.Bytes).varint(bytes.length).raw(bytes);
  }

  stringField(field: number, value: string): this {
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  varintField(field: number, value: bigint | number | boolean): this {
    return this.tag(field, WireType.Varint).varint(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
