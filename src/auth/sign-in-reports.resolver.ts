import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Public } from '../common/access.decorators';
import { ErrorCode as Code } from '../common/app-error';
import { describeOperation } from '../common/error-codes';
import { SignInReportsService } from './sign-in-reports.service';

@Resolver()
export class SignInReportsResolver {
  constructor(private readonly reports: SignInReportsService) {}

  @Public()
  @Mutation(() => Boolean, {
    description: describeOperation(
      "Public. The token from a new-sign-in mail's 'This wasn't me' link (single use, 7 days): ends the session that signed in and every trusted device of the account, records SIGN_IN_REPORTED_UNRECOGNIZED, and mails a password reset link. The same answer for a used, expired or unknown token.",
      [Code.TOO_MANY_ATTEMPTS],
    ),
  })
  async reportUnrecognizedSignIn(@Args('token', { description: "The token of the mailed link's ?token=." }) token: string): Promise<boolean> {
    await this.reports.report(token);
    return true;
  }
}
