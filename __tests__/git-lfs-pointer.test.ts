import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { LFS_POINTER_MAX_BYTES, parseLfsPointer } from '../src/git/lfs-pointer.js'

// The example pointer of the Git LFS specification, byte for byte as `git lfs` writes it.
const POINTER = readFileSync(new URL('./fixtures/git/lfs-pointer.txt', import.meta.url))
const OID = '4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393'

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8')

describe('parseLfsPointer', () => {
  it('reads the oid and size of a real pointer file', () => {
    expect(parseLfsPointer(POINTER)).toEqual({ oid: OID, size: 12345 })
  })

  it('accepts extension lines and the legacy hawser version', () => {
    const withExtension =
      'version https://git-lfs.github.com/spec/v1\n' +
      `ext-0-foo sha256:${'a'.repeat(64)}\n` +
      `oid sha256:${OID}\n` +
      'size 0\n'
    expect(parseLfsPointer(bytes(withExtension))).toEqual({ oid: OID, size: 0 })
    const legacy = `version https://hawser.github.com/spec/v1\noid sha256:${OID}\nsize 7\n`
    expect(parseLfsPointer(bytes(legacy))).toEqual({ oid: OID, size: 7 })
  })

  it('returns null for dataset content and other non-pointers', () => {
    const notPointers = [
      '',
      '{"prompt": "version https://git-lfs.github.com/spec/v1"}\n',
      'prompt,answer\nversion,1\n',
      // Looks right but is cut before its last newline (a short peek): not trusted.
      `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 12`,
      `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\n`,
      'version https://git-lfs.github.com/spec/v1\nsize 12\n',
      `version https://git-lfs.github.com/spec/v1\noid md5:${OID.slice(0, 32)}\nsize 12\n`,
      `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize twelve\n`,
      `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 99999999999999999999\n`,
      `version https://git-lfs.github.com/spec/v2\noid sha256:${OID}\nsize 12\n`,
      `version https://git-lfs.github.com/spec/v1\noid sha256:${OID}\nsize 12\n\nrow after a blank line\n`
    ]
    for (const text of notPointers) expect(parseLfsPointer(bytes(text))).toBeNull()
    expect(parseLfsPointer(new Uint8Array([0x00, 0xff, 0x89, 0x50, 0x4e, 0x47]))).toBeNull()
  })

  it('rejects a head as long as the pointer size limit, even if it starts like a pointer', () => {
    const padded = Buffer.concat([POINTER, Buffer.alloc(LFS_POINTER_MAX_BYTES - POINTER.length, '\n')])
    expect(padded).toHaveLength(LFS_POINTER_MAX_BYTES)
    expect(parseLfsPointer(padded)).toBeNull()
    expect(parseLfsPointer(padded.subarray(0, POINTER.length))).toEqual({ oid: OID, size: 12345 })
  })
})
