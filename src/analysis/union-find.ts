/**
 * Disjoint sets over 0..size-1 in two typed arrays (no object per element), with union by size and path
 * halving, so a find costs next to nothing even on millions of elements.
 */
export class UnionFind {
  private readonly parent: Int32Array
  private readonly setSize: Int32Array

  constructor(size: number) {
    this.parent = new Int32Array(size)
    this.setSize = new Int32Array(size).fill(1)
    for (let i = 0; i < size; i++) this.parent[i] = i
  }

  find(element: number): number {
    const parent = this.parent
    let x = element
    while (parent[x] !== x) {
      const grandparent = parent[parent[x]!]!
      parent[x] = grandparent
      x = grandparent
    }
    return x
  }

  /** Joins the two sets; returns false when they were already one. */
  union(a: number, b: number): boolean {
    let rootA = this.find(a)
    let rootB = this.find(b)
    if (rootA === rootB) return false
    if (this.setSize[rootA]! < this.setSize[rootB]!) [rootA, rootB] = [rootB, rootA]
    this.parent[rootB] = rootA
    this.setSize[rootA] = this.setSize[rootA]! + this.setSize[rootB]!
    return true
  }

  /** A dense set id per element, numbered in order of each set's first element, so ids are deterministic. */
  denseIds(): Int32Array {
    const ids = new Int32Array(this.parent.length)
    const idOfRoot = new Int32Array(this.parent.length).fill(-1)
    let next = 0
    for (let i = 0; i < ids.length; i++) {
      const root = this.find(i)
      if (idOfRoot[root] === -1) idOfRoot[root] = next++
      ids[i] = idOfRoot[root]!
    }
    return ids
  }
}
