;; The conv layer's loops in WebAssembly (convnet_im2col.js calls them): im2col and col2im without
;; a branch per value, and the two matrix products in SIMD, four 32-bit floats a step, which plain
;; JavaScript cannot do. The source of convnet_kernels.js: after editing it, run `make convnet-kernels`.
;; Pointers are byte offsets into the memory, where convnet_im2col.js copies the operands; sums are
;; taken in 32-bit floats. convnet_kernels_reference.js is the same in plain JavaScript, and runs
;; where WebAssembly SIMD does not; the tests hold both to numpy's answers.
(module
  (memory (export "memory") 1)

  ;; The sum of a vector's four lanes.
  (func $lanes (param $v v128) (result f32)
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
             (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; x . w over R floats.
  (func $dot (param $x i32) (param $w i32) (param $R i32) (result f32)
    (local $s v128) (local $t f32) (local $end4 i32) (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $R) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $R) (i32.const -4)) (i32.const 2))))
    (block $done (loop $four
      (br_if $done (i32.ge_u (local.get $x) (local.get $end4)))
      (local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $x)) (v128.load (local.get $w)))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (br $four)))
    (local.set $t (call $lanes (local.get $s)))
    (block $done (loop $one
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $t (f32.add (local.get $t) (f32.mul (f32.load (local.get $x)) (f32.load (local.get $w)))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $w (i32.add (local.get $w) (i32.const 4)))
      (br $one)))
    (local.get $t))

  ;; y[j Qb] = b[j] + w[j] . x for four filters j (rows of R floats from w), sharing each load of x.
  (func $dot4 (param $x i32) (param $w i32) (param $R i32) (param $b i32) (param $y i32) (param $Qb i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $v v128)
    (local $t0 f32) (local $t1 f32) (local $t2 f32) (local $t3 f32) (local $f f32)
    (local $Rb i32) (local $end4 i32) (local $end i32)
    (local.set $Rb (i32.shl (local.get $R) (i32.const 2)))
    (local.set $end (i32.add (local.get $x) (local.get $Rb)))
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $R) (i32.const -4)) (i32.const 2))))
    (block $done (loop $four
      (br_if $done (i32.ge_u (local.get $x) (local.get $end4)))
      (local.set $v (v128.load (local.get $x)))
      (local.set $s0 (f32x4.add (local.get $s0) (f32x4.mul (local.get $v) (v128.load (local.get $w)))))
      (local.set $s1 (f32x4.add (local.get $s1) (f32x4.mul (local.get $v)
        (v128.load (i32.add (local.get $w) (local.get $Rb))))))
      (local.set $s2 (f32x4.add (local.get $s2) (f32x4.mul (local.get $v)
        (v128.load (i32.add (local.get $w) (i32.shl (local.get $Rb) (i32.const 1)))))))
      (local.set $s3 (f32x4.add (local.get $s3) (f32x4.mul (local.get $v)
        (v128.load (i32.add (local.get $w) (i32.mul (local.get $Rb) (i32.const 3)))))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (local.set $w (i32.add (local.get $w) (i32.const 16)))
      (br $four)))
    (local.set $t0 (call $lanes (local.get $s0)))
    (local.set $t1 (call $lanes (local.get $s1)))
    (local.set $t2 (call $lanes (local.get $s2)))
    (local.set $t3 (call $lanes (local.get $s3)))
    (block $done (loop $one
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $f (f32.load (local.get $x)))
      (local.set $t0 (f32.add (local.get $t0) (f32.mul (local.get $f) (f32.load (local.get $w)))))
      (local.set $t1 (f32.add (local.get $t1) (f32.mul (local.get $f)
        (f32.load (i32.add (local.get $w) (local.get $Rb))))))
      (local.set $t2 (f32.add (local.get $t2) (f32.mul (local.get $f)
        (f32.load (i32.add (local.get $w) (i32.shl (local.get $Rb) (i32.const 1)))))))
      (local.set $t3 (f32.add (local.get $t3) (f32.mul (local.get $f)
        (f32.load (i32.add (local.get $w) (i32.mul (local.get $Rb) (i32.const 3)))))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (local.set $w (i32.add (local.get $w) (i32.const 4)))
      (br $one)))
    (f32.store (local.get $y) (f32.add (f32.load (local.get $b)) (local.get $t0)))
    (f32.store (i32.add (local.get $y) (local.get $Qb)) (f32.add (f32.load offset=4 (local.get $b)) (local.get $t1)))
    (f32.store (i32.add (local.get $y) (i32.shl (local.get $Qb) (i32.const 1)))
      (f32.add (f32.load offset=8 (local.get $b)) (local.get $t2)))
    (f32.store (i32.add (local.get $y) (i32.mul (local.get $Qb) (i32.const 3)))
      (f32.add (f32.load offset=12 (local.get $b)) (local.get $t3))))

  ;; y (N, K, Q) = w (K, R) . cols (NQ, R) + b, position by position, four filters at a time.
  (func (export "product") (param $cols i32) (param $w i32) (param $b i32) (param $y i32)
                           (param $NQ i32) (param $K i32) (param $R i32) (param $Q i32)
    (local $p i32) (local $k i32) (local $x i32) (local $o i32) (local $Rb i32) (local $Qb i32)
    (local.set $Rb (i32.shl (local.get $R) (i32.const 2)))
    (local.set $Qb (i32.shl (local.get $Q) (i32.const 2)))
    (block $positions (loop $position
      (br_if $positions (i32.ge_u (local.get $p) (local.get $NQ)))
      (local.set $x (i32.add (local.get $cols) (i32.mul (local.get $p) (local.get $Rb))))
      ;; y's place of filter 0 at position p = (image i, q): (i K Q + q) = p + i (K - 1) Q.
      (local.set $o (i32.add (local.get $y) (i32.shl (i32.add (local.get $p)
        (i32.mul (i32.div_u (local.get $p) (local.get $Q)) (i32.mul (i32.sub (local.get $K) (i32.const 1)) (local.get $Q))))
        (i32.const 2))))
      (local.set $k (i32.const 0))
      (block $fours (loop $four
        (br_if $fours (i32.gt_u (i32.add (local.get $k) (i32.const 4)) (local.get $K)))
        (call $dot4 (local.get $x) (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $Rb))) (local.get $R)
          (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 2)))
          (i32.add (local.get $o) (i32.mul (local.get $k) (local.get $Qb))) (local.get $Qb))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $four)))
      (block $ones (loop $one
        (br_if $ones (i32.ge_u (local.get $k) (local.get $K)))
        (f32.store (i32.add (local.get $o) (i32.mul (local.get $k) (local.get $Qb)))
          (f32.add (f32.load (i32.add (local.get $b) (i32.shl (local.get $k) (i32.const 2))))
            (call $dot (local.get $x) (i32.add (local.get $w) (i32.mul (local.get $k) (local.get $Rb))) (local.get $R))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $one)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $position))))

  ;; out[r] += g0 p0[r] + g1 p1[r] + g2 p2[r] + g3 p3[r] for r < R: four rows each pass over out.
  (func $add4 (param $out i32) (param $R i32) (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32)
              (param $g0 f32) (param $g1 f32) (param $g2 f32) (param $g3 f32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $end4 i32) (local $end i32)
    (local.set $v0 (f32x4.splat (local.get $g0)))
    (local.set $v1 (f32x4.splat (local.get $g1)))
    (local.set $v2 (f32x4.splat (local.get $g2)))
    (local.set $v3 (f32x4.splat (local.get $g3)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $R) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $out) (i32.shl (i32.and (local.get $R) (i32.const -4)) (i32.const 2))))
    (block $done (loop $four
      (br_if $done (i32.ge_u (local.get $out) (local.get $end4)))
      (v128.store (local.get $out) (f32x4.add (v128.load (local.get $out)) (f32x4.add
        (f32x4.add (f32x4.mul (local.get $v0) (v128.load (local.get $p0))) (f32x4.mul (local.get $v1) (v128.load (local.get $p1))))
        (f32x4.add (f32x4.mul (local.get $v2) (v128.load (local.get $p2))) (f32x4.mul (local.get $v3) (v128.load (local.get $p3)))))))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (local.set $p0 (i32.add (local.get $p0) (i32.const 16)))
      (local.set $p1 (i32.add (local.get $p1) (i32.const 16)))
      (local.set $p2 (i32.add (local.get $p2) (i32.const 16)))
      (local.set $p3 (i32.add (local.get $p3) (i32.const 16)))
      (br $four)))
    (block $done (loop $one
      (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
      (f32.store (local.get $out) (f32.add (f32.load (local.get $out)) (f32.add
        (f32.add (f32.mul (local.get $g0) (f32.load (local.get $p0))) (f32.mul (local.get $g1) (f32.load (local.get $p1))))
        (f32.add (f32.mul (local.get $g2) (f32.load (local.get $p2))) (f32.mul (local.get $g3) (f32.load (local.get $p3)))))))
      (local.set $out (i32.add (local.get $out) (i32.const 4)))
      (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
      (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
      (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
      (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
      (br $one))))

  ;; out[r] += sum over j < m of g[j] src[at[j] + r], for r < R: the rows of src (at: byte offsets)
  ;; that a sparse gradient picks, four at a time; the last group is filled with the first row at
  ;; weight 0, which adds nothing.
  (func (export "addRows") (param $out i32) (param $src i32) (param $at i32) (param $g i32) (param $m i32) (param $R i32)
    (local $j i32) (local $a i32) (local $h i32) (local $last i32)
    (local.set $last (i32.shl (local.get $m) (i32.const 2)))
    (block $done (loop $group
      (br_if $done (i32.ge_u (local.get $j) (local.get $last)))
      (local.set $a (i32.add (local.get $at) (local.get $j)))
      (local.set $h (i32.add (local.get $g) (local.get $j)))
      (call $add4 (local.get $out) (local.get $R)
        (i32.add (local.get $src) (i32.load (local.get $a)))
        (i32.add (local.get $src) (select (i32.load offset=4 (local.get $a)) (i32.const 0)
          (i32.lt_u (i32.add (local.get $j) (i32.const 4)) (local.get $last))))
        (i32.add (local.get $src) (select (i32.load offset=8 (local.get $a)) (i32.const 0)
          (i32.lt_u (i32.add (local.get $j) (i32.const 8)) (local.get $last))))
        (i32.add (local.get $src) (select (i32.load offset=12 (local.get $a)) (i32.const 0)
          (i32.lt_u (i32.add (local.get $j) (i32.const 12)) (local.get $last))))
        (f32.load (local.get $h))
        (select (f32.load offset=4 (local.get $h)) (f32.const 0) (i32.lt_u (i32.add (local.get $j) (i32.const 4)) (local.get $last)))
        (select (f32.load offset=8 (local.get $h)) (f32.const 0) (i32.lt_u (i32.add (local.get $j) (i32.const 8)) (local.get $last)))
        (select (f32.load offset=12 (local.get $h)) (f32.const 0) (i32.lt_u (i32.add (local.get $j) (i32.const 12)) (local.get $last))))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br $group))))

  ;; cols[i T + t] = x[i size + tap[t]] for N images, or 0 where tap[t] is -1 (the zero padding):
  ;; the padding reads the image's first value and selects 0 instead, so that no branch is taken.
  (func (export "im2col") (param $cols i32) (param $x i32) (param $tap i32) (param $T i32) (param $N i32) (param $size i32)
    (local $i i32) (local $t i32) (local $off i32) (local $taps i32)
    (local.set $taps (i32.add (local.get $tap) (i32.shl (local.get $T) (i32.const 2))))
    (block $images (loop $image
      (br_if $images (i32.ge_u (local.get $i) (local.get $N)))
      (local.set $t (local.get $tap))
      (block $done (loop $one
        (br_if $done (i32.ge_u (local.get $t) (local.get $taps)))
        (local.set $off (i32.load (local.get $t)))
        (f32.store (local.get $cols) (select
          (f32.load (i32.add (local.get $x) (i32.shl (select (local.get $off) (i32.const 0) (i32.ge_s (local.get $off) (i32.const 0)))
            (i32.const 2))))
          (f32.const 0)
          (i32.ge_s (local.get $off) (i32.const 0))))
        (local.set $cols (i32.add (local.get $cols) (i32.const 4)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $one)))
      (local.set $x (i32.add (local.get $x) (i32.shl (local.get $size) (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $image))))

  ;; col2im: dx[i size + tap[t]] += dcols[i T + t], dx zeroed by the caller; the padding's
  ;; gradients go to the float at `sink`, so that no branch is taken.
  (func (export "col2im") (param $dx i32) (param $dcols i32) (param $tap i32) (param $T i32) (param $N i32) (param $size i32)
                          (param $sink i32)
    (local $i i32) (local $t i32) (local $off i32) (local $to i32) (local $taps i32)
    (local.set $taps (i32.add (local.get $tap) (i32.shl (local.get $T) (i32.const 2))))
    (block $images (loop $image
      (br_if $images (i32.ge_u (local.get $i) (local.get $N)))
      (local.set $t (local.get $tap))
      (block $done (loop $one
        (br_if $done (i32.ge_u (local.get $t) (local.get $taps)))
        (local.set $off (i32.load (local.get $t)))
        (local.set $to (select (i32.add (local.get $dx) (i32.shl (local.get $off) (i32.const 2))) (local.get $sink)
          (i32.ge_s (local.get $off) (i32.const 0))))
        (f32.store (local.get $to) (f32.add (f32.load (local.get $to)) (f32.load (local.get $dcols))))
        (local.set $dcols (i32.add (local.get $dcols) (i32.const 4)))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (br $one)))
      (local.set $dx (i32.add (local.get $dx) (i32.shl (local.get $size) (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $image))))
)
