/** MODULE_SIG_STRING: what scripts/sign-file appends after the signature and its descriptor. */
const MODULE_SIG_STRING = new TextEncoder().encode('~Module signature appended~\n');
/** sizeof(struct module_signature): algo, hash, id_type, signer_len, key_id_len, __pad[3], __be32 sig_len. */
const MODULE_SIGNATURE_SIZE = 12;
const PKEY_ID_PKCS7 = 2;

export interface SignatureSplit {
  /** How many leading bytes the loader treats as the ELF image (info->len after module_sig_check). */
  readonly elfLength: number;
  /** Whether a well-formed PKCS#7 module signature is appended (it is not verified). */
  readonly signed: boolean;
}

/**
 * Where the ELF image ends, as Linux 6.1's module_sig_check and mod_verify_sig work it out: a
 * trailing signature marker is cut off first, then a well-formed descriptor and its signature.
 * A malformed signature makes the kernel fail with EBADMSG rather than ENOEXEC; that is out of
 * scope here, so such an image is read with only the marker cut off.
 */
export function splitModuleSignature(bytes: Uint8Array): SignatureSplit {
  const markerLength = MODULE_SIG_STRING.length;
  if (bytes.length <= markerLength) return { elfLength: bytes.length, signed: false };
  const tail = bytes.subarray(bytes.length - markerLength);
  if (!tail.every((byte, i) => byte === MODULE_SIG_STRING[i])) return { elfLength: bytes.length, signed: false };

  const length = bytes.length - markerLength;
  if (length <= MODULE_SIGNATURE_SIZE) return { elfLength: length, signed: false };
  const descriptor = length - MODULE_SIGNATURE_SIZE;
  // mod_check_sig: the signature must fit before the descriptor, be PKCS#7, and every other field be 0.
  const params = bytes.subarray(descriptor, descriptor + 8);
  const sigLength = new DataView(bytes.buffer, bytes.byteOffset + descriptor + 8, 4).getUint32(0, false);
  const wellFormed = params.every((byte, i) => (i === 2 ? byte === PKEY_ID_PKCS7 : byte === 0));
  if (sigLength >= length - MODULE_SIGNATURE_SIZE || !wellFormed) {
    return { elfLength: length, signed: false };
  }
  return { elfLength: length - MODULE_SIGNATURE_SIZE - sigLength, signed: true };
}
