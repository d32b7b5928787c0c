import { chmod } from 'node:fs/promises';
import { ConfigFile, Global } from '@salesforce/core';

/** One Partner Center sign-in, stored under the sf global dir; the refresh token is encrypted with sf's key. */
export type StoredSignIn = {
  refreshToken: string;
  tenantId: string;
  clientId: string;
  authority: string;
  username: string;
  name?: string;
  homeAccountId?: string;
  /** When `auth login` completed. */
  signedInAt: string;
  /** When the refresh token was last issued (rotated) by Entra ID. */
  renewedAt: string;
};

export const AUTH_FILE = 'pcsync-auth.json';

class PcsyncAuthFile extends ConfigFile<ConfigFile.Options, StoredSignIn> {
  protected static encryptedKeys = ['refreshToken'];

  public static getFileName(): string {
    return AUTH_FILE;
  }
}

export type TokenStoreOptions = {
  /** The folder that holds `.sf/` (default: the user's home). Tests point this at a temp dir. */
  rootFolder?: string;
};

/** Reads and writes the stored sign-in (`~/.sf/pcsync-auth.json`, mode 0600 as sf writes its auth files). */
export class TokenStore {
  public constructor(private readonly options: TokenStoreOptions = {}) {}

  public async read(): Promise<StoredSignIn | undefined> {
    const file = await this.open();
    if (!(await file.exists())) return undefined;
    const contents = file.getContents(true);
    if (typeof contents.refreshToken !== 'string' || !contents.refreshToken) return undefined;
    return { ...contents };
  }

  public async write(signIn: StoredSignIn): Promise<void> {
    const file = await this.open();
    file.setContentsFromObject(signIn);
    await file.write();
    await chmod(file.getPath(), 0o600).catch(() => undefined);
  }

  /** Keeps the rotated refresh token and when it was issued. */
  public async renew(refreshToken: string, at: Date): Promise<void> {
    const current = await this.read();
    if (!current) return;
    await this.write({ ...current, refreshToken, renewedAt: at.toISOString() });
  }

  /** Removes the stored sign-in; true when there was one. */
  public async remove(): Promise<boolean> {
    const file = await this.open();
    if (!(await file.exists())) return false;
    await file.unlink();
    return true;
  }

  public async path(): Promise<string> {
    return (await this.open()).getPath();
  }

  private async open(): Promise<PcsyncAuthFile> {
    return PcsyncAuthFile.create({
      isGlobal: true,
      isState: true,
      stateFolder: Global.SF_STATE_FOLDER,
      filename: AUTH_FILE,
      ...(this.options.rootFolder ? { rootFolder: this.options.rootFolder } : {}),
    });
  }
}
