;; MinHash LSH band hashes of a block of keys, four hash functions per SIMD operation: the same numbers as
;; bandHashKeys in band-hashes.ts, about three times as fast. scripts/wasm.mjs compiles this file into
;; band-hashes-wasm.ts; a test checks that the two agree.
;;
;; Memory holds, at byte offsets given by the caller: `salts` (one u32 per function), `offsets` (count + 1
;; i32, key k's shingles are data[offsets[k]] .. data[offsets[k + 1] - 1]), `data` (u32 shingles), `out`
;; (bands x count u32, band-major) and `signature` (one u32 per function, scratch for one key).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; The murmur3 finaliser, on four lanes at once and on one.
  (func $mix4 (param $h v128) (result v128)
    (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16)))
                             (i32x4.splat (i32.const 0x85ebca6b))))
    (local.set $h (i32x4.mul (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 13)))
                             (i32x4.splat (i32.const 0xc2b2ae35))))
    (v128.xor (local.get $h) (i32x4.shr_u (local.get $h) (i32.const 16))))
  (func $mix (param $h i32) (result i32)
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))) (i32.const 0x85ebca6b)))
    (local.set $h (i32.mul (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 13))) (i32.const 0xc2b2ae35)))
    (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 16))))

  ;; Keys first .. last - 1.
  (func (export "bandHashes")
    (param $salts i32) (param $functions i32) (param $offsets i32) (param $data i32) (param $out i32)
    (param $count i32) (param $bands i32) (param $rowsPerBand i32) (param $first i32) (param $last i32)
    (param $signature i32)
    (local $key i32) (local $start i32) (local $end i32) (local $f i32) (local $p i32) (local $at i32)
    (local $x v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local $salt i32) (local $min i32) (local $h i32) (local $band i32) (local $row i32) (local $rowEnd i32)
    (local.set $key (local.get $first))
    (block $keysDone (loop $keys
      (br_if $keysDone (i32.ge_u (local.get $key) (local.get $last)))
      (local.set $at (i32.add (local.get $offsets) (i32.shl (local.get $key) (i32.const 2))))
      (local.set $start (i32.add (local.get $data) (i32.shl (i32.load (local.get $at)) (i32.const 2))))
      (local.set $end (i32.add (local.get $data) (i32.shl (i32.load offset=4 (local.get $at)) (i32.const 2))))
      (local.set $f (i32.const 0))
      ;; Sixteen functions per pass over the shingles: four independent vectors of minima.
      (block $done16 (loop $pass16
        (br_if $done16 (i32.gt_u (i32.add (local.get $f) (i32.const 16)) (local.get $functions)))
        (local.set $at (i32.add (local.get $salts) (i32.shl (local.get $f) (i32.const 2))))
        (local.set $s0 (v128.load (local.get $at)))
        (local.set $s1 (v128.load offset=16 (local.get $at)))
        (local.set $s2 (v128.load offset=32 (local.get $at)))
        (local.set $s3 (v128.load offset=48 (local.get $at)))
        (local.set $m0 (i32x4.splat (i32.const -1)))
        (local.set $m1 (local.get $m0))
        (local.set $m2 (local.get $m0))
        (local.set $m3 (local.get $m0))
        (local.set $p (local.get $start))
        (block $shinglesDone (loop $shingles
          (br_if $shinglesDone (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $x (i32x4.splat (i32.load (local.get $p))))
          (local.set $m0 (i32x4.min_u (local.get $m0) (call $mix4 (v128.xor (local.get $x) (local.get $s0)))))
          (local.set $m1 (i32x4.min_u (local.get $m1) (call $mix4 (v128.xor (local.get $x) (local.get $s1)))))
          (local.set $m2 (i32x4.min_u (local.get $m2) (call $mix4 (v128.xor (local.get $x) (local.get $s2)))))
          (local.set $m3 (i32x4.min_u (local.get $m3) (call $mix4 (v128.xor (local.get $x) (local.get $s3)))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $shingles)))
        (local.set $at (i32.add (local.get $signature) (i32.shl (local.get $f) (i32.const 2))))
        (v128.store (local.get $at) (local.get $m0))
        (v128.store offset=16 (local.get $at) (local.get $m1))
        (v128.store offset=32 (local.get $at) (local.get $m2))
        (v128.store offset=48 (local.get $at) (local.get $m3))
        (local.set $f (i32.add (local.get $f) (i32.const 16)))
        (br $pass16)))
      ;; Four at a time.
      (block $done4 (loop $pass4
        (br_if $done4 (i32.gt_u (i32.add (local.get $f) (i32.const 4)) (local.get $functions)))
        (local.set $s0 (v128.load (i32.add (local.get $salts) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $m0 (i32x4.splat (i32.const -1)))
        (local.set $p (local.get $start))
        (block $shinglesDone4 (loop $shingles4
          (br_if $shinglesDone4 (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $m0 (i32x4.min_u (local.get $m0)
            (call $mix4 (v128.xor (i32x4.splat (i32.load (local.get $p))) (local.get $s0)))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $shingles4)))
        (v128.store (i32.add (local.get $signature) (i32.shl (local.get $f) (i32.const 2))) (local.get $m0))
        (local.set $f (i32.add (local.get $f) (i32.const 4)))
        (br $pass4)))
      ;; The rest one by one.
      (block $done1 (loop $pass1
        (br_if $done1 (i32.ge_u (local.get $f) (local.get $functions)))
        (local.set $salt (i32.load (i32.add (local.get $salts) (i32.shl (local.get $f) (i32.const 2)))))
        (local.set $min (i32.const -1))
        (local.set $p (local.get $start))
        (block $shinglesDone1 (loop $shingles1
          (br_if $shinglesDone1 (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $h (call $mix (i32.xor (i32.load (local.get $p)) (local.get $salt))))
          (if (i32.lt_u (local.get $h) (local.get $min)) (then (local.set $min (local.get $h))))
          (local.set $p (i32.add (local.get $p) (i32.const 4)))
          (br $shingles1)))
        (i32.store (i32.add (local.get $signature) (i32.shl (local.get $f) (i32.const 2))) (local.get $min))
        (local.set $f (i32.add (local.get $f) (i32.const 1)))
        (br $pass1)))
      ;; Each band's minima folded into one hash.
      (local.set $band (i32.const 0))
      (block $bandsDone (loop $bandLoop
        (br_if $bandsDone (i32.ge_u (local.get $band) (local.get $bands)))
        (local.set $h (i32.const 0x811c9dc5))
        (local.set $row (i32.mul (local.get $band) (local.get $rowsPerBand)))
        (local.set $rowEnd (i32.add (local.get $row) (local.get $rowsPerBand)))
        (block $rowsDone (loop $rows
          (br_if $rowsDone (i32.ge_u (local.get $row) (local.get $rowEnd)))
          (local.set $h (i32.mul
            (i32.xor (local.get $h) (i32.load (i32.add (local.get $signature) (i32.shl (local.get $row) (i32.const 2)))))
            (i32.const 0x01000193)))
          (local.set $h (i32.xor (local.get $h) (i32.shr_u (local.get $h) (i32.const 15))))
          (local.set $row (i32.add (local.get $row) (i32.const 1)))
          (br $rows)))
        (i32.store
          (i32.add (local.get $out)
                   (i32.shl (i32.add (i32.mul (local.get $band) (local.get $count)) (local.get $key)) (i32.const 2)))
          (call $mix (local.get $h)))
        (local.set $band (i32.add (local.get $band) (i32.const 1)))
        (br $bandLoop)))
      (local.set $key (i32.add (local.get $key) (i32.const 1)))
      (br $keys)))))
