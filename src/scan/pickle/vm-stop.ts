/** Thrown inside the VM to stop a stream; caught at the machine boundary. */
export class VmStop extends Error {
  constructor(
    readonly code: 'truncated' | 'invalid_structure' | 'limit_exceeded' | 'unsupported_version' | 'timeout',
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}
