// A tiny typed emitter for events with more than one listener. Listeners run synchronously in the
// order they were added; an exception in one reaches the emitter's caller.
export type EventMap = Record<string, unknown[]>;

type Listener = (...args: unknown[]) => void;

export class Emitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Listener[]>();

  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): this {
    const list = this.listeners.get(event) ?? [];
    list.push(listener as unknown as Listener);
    this.listeners.set(event, list);
    return this;
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const l of this.listeners.get(event) ?? []) l(...args);
  }
}
