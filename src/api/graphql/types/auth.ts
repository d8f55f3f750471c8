import { Field, ObjectType } from 'type-graphql';
import { CredentialKind } from './enums.js';
import { DateTimeScalar } from './scalars.js';

@ObjectType({ description: 'A one-time text for a wallet to sign (ed25519, UTF-8 bytes) and pass to signIn.' })
export class AuthChallenge {
  @Field(() => String)
  message!: string;
  @Field(() => DateTimeScalar)
  expiresAt!: Date;
}

@ObjectType({ description: 'A session: send `token` as `authorization: Bearer <token>` (HTTP) or in connection_init.' })
export class SessionToken {
  @Field(() => String)
  token!: string;
  @Field(() => String)
  publicKey!: string;
  @Field(() => DateTimeScalar)
  expiresAt!: Date;
}

@ObjectType({ description: 'Who is calling. Its `threads` are those the signed-in key co-authors.' })
export class Viewer {
  @Field(() => CredentialKind)
  kind!: CredentialKind;
  @Field(() => String, { nullable: true, description: 'The signed-in wallet (sessions).' })
  publicKey!: string | null;
  @Field(() => String, { nullable: true, description: 'The API key’s name (API keys).' })
  apiKeyName!: string | null;
  @Field(() => DateTimeScalar, { nullable: true })
  expiresAt!: Date | null;
}
