import { decodeSubscribeRequest } from '../geyser/request-codec.js';

const b = Buffer.from(
  '0a270a016112221a20313131313131313131313131313131313131313131313131313131313131313112030a01731a030a01742a030a01623000',
  'hex',
);
console.log(JSON.stringify(decodeSubscribeRequest(b)));
