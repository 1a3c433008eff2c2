import { type ErrorDetails, XinlianError } from '@xinlian/utils';

/** Stable error codes thrown by @xinlian/network. */
export type NetworkErrorCode =
  | 'NET_BAD_MESSAGE'
  | 'NET_FRAME_TOO_LARGE'
  | 'NET_NOT_STARTED'
  | 'NET_BAD_OPTIONS';

/** Builds a XinlianError with a network error code. */
export function netError(
  code: NetworkErrorCode,
  message: string,
  details: ErrorDetails = {},
): XinlianError<NetworkErrorCode> {
  return new XinlianError(code, message, details);
}
