/**
 * An intrusive doubly linked list: the nodes carry their own `prev`/`next` links, so push, shift,
 * pop and removing a node from the middle are O(1) and allocate nothing. Used for the pool's idle
 * list (LIFO via `pop`, FIFO via `shift`) and its waiter queues (a waiter that gives up leaves at once).
 *
 * A node may be in at most one list at a time, and callers track membership themselves
 * (a state field); removing a node that is not in this list corrupts it.
 */
export interface ListNode<N> {
  prev: N | undefined;
  next: N | undefined;
}

export class LinkedList<N extends ListNode<N>> {
  private head: N | undefined = undefined;
  private tail: N | undefined = undefined;
  private size = 0;

  get length(): number {
    return this.size;
  }

  get first(): N | undefined {
    return this.head;
  }

  /** Appends at the tail. */
  push(node: N): void {
    node.prev = this.tail;
    node.next = undefined;
    if (this.tail === undefined) this.head = node;
    else this.tail.next = node;
    this.tail = node;
    this.size++;
  }

  /** Removes and returns the head (oldest). */
  shift(): N | undefined {
    const node = this.head;
    if (node !== undefined) this.remove(node);
    return node;
  }

  /** Removes and returns the tail (newest). */
  pop(): N | undefined {
    const node = this.tail;
    if (node !== undefined) this.remove(node);
    return node;
  }

  remove(node: N): void {
    const { prev, next } = node;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    node.prev = undefined;
    node.next = undefined;
    this.size--;
  }

  /** Empties the list and returns its nodes, head first. */
  drain(): N[] {
    const nodes: N[] = [];
    for (let node = this.shift(); node !== undefined; node = this.shift()) nodes.push(node);
    return nodes;
  }

  /** Head-first iteration; the current node may be removed while iterating. */
  *[Symbol.iterator](): IterableIterator<N> {
    let node = this.head;
    while (node !== undefined) {
      const next = node.next;
      yield node;
      node = next;
    }
  }
}
