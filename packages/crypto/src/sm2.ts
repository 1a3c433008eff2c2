/** SM2 helpers around Node's OpenSSL: the signer digest prefix Z (SM3 from OpenSSL). */
import { createHash } from 'node:crypto';
import { SM2_DEFAULT_USER_ID, sm2ZInput } from './sm2-params.js';

export {
  inScalarRange,
  SM2_DEFAULT_USER_ID,
  SM2_N,
  SM2_N_MINUS_2,
  SM2_PKCS8_MIDDLE,
  SM2_PKCS8_PREFIX,
  SM2_SPKI_PREFIX,
  sm2SignatureFromDer,
  sm2SignatureToDer,
} from './sm2-params.js';

/**
 * Z = SM3(ENTL‖ID‖a‖b‖Gx‖Gy‖xA‖yA) of GB/T 32918.2 §5.5 for a 65-byte uncompressed public point.
 * Throws CRYPTO_INVALID_ARGUMENT if the ID is 8192 bytes or longer (ENTL is 16 bits).
 */
export function sm2Z(publicKey: Uint8Array, userId: Uint8Array = SM2_DEFAULT_USER_ID): Buffer {
  return createHash('sm3').update(sm2ZInput(publicKey, userId)).digest();
}
