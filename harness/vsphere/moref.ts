// A vim25 managed object reference. The type travels with the value: vCenter (and the
// simulator) answer ManagedObjectNotFound for a `_this` sent without its type attribute.

/** `{type, value}`, e.g. `VirtualMachine:vm-42`; a class so the encoder can tell it from a data object. */
export class MoRef {
  readonly type: string;
  readonly value: string;
  constructor(type: string, value: string) {
    this.type = type;
    this.value = value;
  }

  /** `VirtualMachine:vm-42`, for messages and map keys. */
  toString(): string {
    return `${this.type}:${this.value}`;
  }

  equals(other: MoRef | undefined): boolean {
    return other !== undefined && other.type === this.type && other.value === this.value;
  }
}
