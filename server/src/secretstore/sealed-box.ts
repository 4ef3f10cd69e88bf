// GitHub's secrets API takes values encrypted with the repository's (or environment's) public key as a libsodium
// sealed box (X25519 + XSalsa20-Poly1305, anonymous sender), base64-encoded.
// Loaded on first use: only `secret` commands and secret moves seal, and every other start paid for its set-up.
export async function sealSecret(value: string, publicKeyBase64: string): Promise<string> {
  const { default: sodium } = await import('libsodium-wrappers');
  await sodium.ready;
  const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  if (key.length !== sodium.crypto_box_PUBLICKEYBYTES)
    throw new Error('the public key returned by GitHub is not a 32-byte X25519 key');
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}
