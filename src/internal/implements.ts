/**
 * `type _Check = Implements<Class, Interface>` fails to compile when the class lacks a member of the interface:
 * the check an `implements` clause makes, for classes whose members for that interface are internal. An
 * `implements` clause would stay in the published declarations, which no longer have those members.
 */
export type Implements<C extends I, I> = C;
