// Libraries that ship no declarations reachable under NodeNext resolution: typed as `any` here.
declare module 'redlock4';
declare module 'redlock5';
