// The part of the WebAssembly JavaScript API that band-hashes.ts uses. Node has the whole API as a global, but
// the project's lib (ES2023, no DOM) and @types/node do not declare it.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer)
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean })
    readonly buffer: ArrayBuffer | SharedArrayBuffer
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>)
    readonly exports: Record<string, unknown>
  }
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean
}
