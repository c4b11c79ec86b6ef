/** A class whose whole state is a #private field: a transport would send it as `{}`. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  get value(): string {
    return this.#value;
  }
}
